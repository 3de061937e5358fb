package score.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The one planner behind {@code score migrate} and the agent: deadlines, steps, post-copy. */
class MigrationPlannerTest {
  private static final long MIB = 1 << 20;
  private static final PowerModel POWER = Goals.POWER;

  private static MigrationGoal deadline(final Duration deadline, final boolean postCopy) {
    return Goals.deadline(deadline, postCopy);
  }

  private static MigrationGoal bandwidth(final BitRate bandwidth, final boolean postCopy) {
    return Goals.bandwidth(bandwidth, postCopy);
  }

  @Property
  void theAppliedBandwidthShouldBeAWholeStepAtLeastThePlanAndStillMeetTheDeadline(
      @ForAll @IntRange(min = 16, max = 8192) final int memoryMebibytes,
      @ForAll @IntRange(min = 0, max = 20_000) final int pagesPerSecond,
      @ForAll @IntRange(min = 1, max = 600) final int deadlineSeconds) {
    final MigrationPlan plan =
        MigrationPlanner.plan(
            deadline(Duration.ofSeconds(deadlineSeconds), false),
            ByteSize.ofMebibytes(memoryMebibytes),
            DirtyRate.ofPagesPerSecond(pagesPerSecond),
            MIB);
    final long applied = plan.appliedBandwidth().bitsPerSecond();
    assertEquals(0, applied % (8 * MIB), "whole MiB/s: " + plan);
    assertTrue(applied >= plan.plannedBandwidth().bitsPerSecond(), plan.toString());
    assertTrue(applied - plan.plannedBandwidth().bitsPerSecond() < 8 * MIB, plan.toString());
    assertTrue(plan.estimate().timeSeconds() <= deadlineSeconds + 1e-9, plan.toString());
    assertTrue(plan.estimate().downtimeSeconds() <= 0.3 + 1e-9, plan.toString());
    assertFalse(plan.postCopyAfterFirstRound());
  }

  @Test
  void aBandwidthBelowTheDirtyRateShouldBeRefusedUnlessPostCopyMayFinish() {
    final ByteSize memory = ByteSize.ofMebibytes(128);
    final DirtyRate dirty = DirtyRate.ofPagesPerSecond(5000); // 19.5 MiB/s
    final InfeasiblePlanException refused =
        assertThrows(
            InfeasiblePlanException.class,
            () ->
                MigrationPlanner.plan(
                    bandwidth(BitRate.parse("64Mbps"), false), memory, dirty, MIB));
    assertTrue(refused.getMessage().contains("never converges"), refused.getMessage());
    assertTrue(
        refused.leastBandwidth().orElseThrow().bitsPerSecond() > dirty.bitsPerSecond(),
        "names a bandwidth that would work");
    final MigrationPlan rescued =
        MigrationPlanner.plan(bandwidth(BitRate.parse("64Mbps"), true), memory, dirty, MIB);
    assertTrue(rescued.postCopyAfterFirstRound());
    // 64 Mbps rounds up to 8 MiB/s: one copy (16 s) and at most all memory again.
    assertEquals(8 * MIB * 8, rescued.appliedBandwidth().bitsPerSecond());
    assertEquals(32, rescued.estimate().timeSeconds(), 1e-9);
  }

  @Test
  void postCopyShouldStartOnlyAfterTheFirstCopyAndOnlyWhenTheDeadlineIsInDanger() {
    final MigrationPlan plan =
        MigrationPlanner.plan(
            deadline(Duration.ofSeconds(20), true),
            ByteSize.ofMebibytes(128),
            DirtyRate.ofPagesPerSecond(500),
            MIB);
    final double bytesPerSecond = plan.appliedBytesPerSecond();
    assertFalse(
        PostCopySwitch.due(plan, 1, 19, 1L << 30, bytesPerSecond, 0, 20),
        "never during the first copy");
    assertFalse(
        PostCopySwitch.due(plan, 2, 10, (long) (5 * bytesPerSecond), bytesPerSecond, 0, 20),
        "on time");
    assertTrue(
        PostCopySwitch.due(plan, 2, 10, (long) (11 * bytesPerSecond), bytesPerSecond, 0, 20),
        "late");
    assertTrue(
        PostCopySwitch.due(plan, 2, 1, 1, bytesPerSecond, bytesPerSecond, 20),
        "observed not to converge");
  }

  @Test
  void minEnergyShouldNeedAPathBandwidthAndADeadline() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new MigrationGoal(
                Optional.of(Duration.ofSeconds(10)),
                Optional.empty(),
                Duration.ofMillis(300),
                MigrationGoal.Objective.MIN_ENERGY,
                Optional.empty(),
                POWER,
                false));
    final MigrationPlan plan =
        MigrationPlanner.plan(
            new MigrationGoal(
                Optional.of(Duration.ofSeconds(30)),
                Optional.empty(),
                Duration.ofMillis(300),
                MigrationGoal.Objective.MIN_ENERGY,
                Optional.of(BitRate.parse("1Gbps")),
                POWER,
                false),
            ByteSize.ofMebibytes(1024),
            DirtyRate.ofPagesPerSecond(1000),
            MIB);
    assertTrue(plan.estimate().timeSeconds() <= 30, plan.toString());
  }

  @Test
  void replanningShouldRaiseTheBandwidthWhenTheVmDirtiesMoreThanSampledAndLowerItWhenLess() {
    final MigrationGoal goal = deadline(Duration.ofSeconds(20), false);
    final ByteSize memory = ByteSize.ofMebibytes(256);
    final MigrationPlan plan =
        MigrationPlanner.plan(goal, memory, DirtyRate.ofPagesPerSecond(4096), MIB);
    final double firstRound = memory.bits() / plan.appliedBandwidth().bitsPerSecond();
    final ByteSize dirtied = ByteSize.ofBytes((long) (firstRound * 5000 * DirtyRate.PAGE_BYTES));
    final BitRate faster =
        MigrationPlanner.replan(goal, firstRound, dirtied, DirtyRate.ofPagesPerSecond(5000), MIB)
            .orElseThrow();
    assertTrue(faster.compareTo(plan.appliedBandwidth()) > 0, faster + " vs " + plan);
    final ByteSize fewer = ByteSize.ofBytes((long) (firstRound * 2000 * DirtyRate.PAGE_BYTES));
    final BitRate slower =
        MigrationPlanner.replan(goal, firstRound, fewer, DirtyRate.ofPagesPerSecond(2000), MIB)
            .orElseThrow();
    assertTrue(slower.compareTo(plan.appliedBandwidth()) < 0, slower + " vs " + plan);
    // The rest at the new bandwidth ends on the deadline.
    final PreCopyEstimate rest =
        PreCopyModel.kvm(fewer, DirtyRate.ofPagesPerSecond(2000), Duration.ofMillis(300))
            .estimate(slower);
    assertTrue(firstRound + rest.timeSeconds() <= 20 + 1e-9, rest.toString());
    assertTrue(
        MigrationPlanner.replan(goal, 21, fewer, DirtyRate.ofPagesPerSecond(2000), MIB).isEmpty(),
        "time is up: the caller's timeouts decide");
    assertTrue(
        MigrationPlanner.replan(
                bandwidth(BitRate.parse("100Mbps"), false),
                1,
                fewer,
                DirtyRate.ofPagesPerSecond(2000),
                MIB)
            .isEmpty(),
        "a fixed bandwidth is not re-planned");
  }
}
