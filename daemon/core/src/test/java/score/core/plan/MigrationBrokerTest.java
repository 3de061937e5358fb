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

/** The broker of one migration: raises on a dirtier round, never lowers, post-copy when due. */
class MigrationBrokerTest {
  private static final long MIB = 1 << 20;

  private static MigrationGoal deadline(final Duration deadline, final boolean postCopy) {
    return Goals.deadline(deadline, postCopy);
  }

  @Test
  void aDirtierRoundThanPlannedShouldRaiseTheBandwidthOnceAndRecordIt() {
    final MigrationGoal goal = deadline(Duration.ofSeconds(20), false);
    final MigrationPlan plan =
        MigrationBroker.plan(goal, 256 * MIB, DirtyRate.ofPagesPerSecond(500));
    final MigrationBroker broker = MigrationBroker.forPlan(goal, plan, false);
    assertEquals(
        MigrationBroker.Steer.NOTHING,
        broker.onProgress(new MigrationBroker.Progress(5, 1, 200 * MIB, 0, false)),
        "the first pass: nothing known yet");
    final MigrationBroker.Steer steer =
        broker.onProgress(new MigrationBroker.Progress(14, 2, 40 * MIB, 5_000, false));
    assertTrue(steer.raiseTo().isPresent(), "ten times the planned dirty rate: raise");
    assertTrue(steer.raiseTo().get().compareTo(plan.appliedBandwidth()) > 0);
    assertEquals(0, steer.raiseTo().get().bitsPerSecond() % (8 * MIB), "whole MiB/s");
    assertEquals(steer.raiseTo().get(), broker.bandwidth());
    assertEquals(1, broker.changes().size());
    assertEquals(2, broker.changes().get(0).iteration());
    assertEquals(
        MigrationBroker.Steer.NOTHING,
        broker.onProgress(new MigrationBroker.Progress(15, 2, 30 * MIB, 5_000, false)),
        "the same round again: nothing new");
  }

  @Property
  void theBandwidthShouldNeverFall(
      @ForAll @IntRange(min = 0, max = 20_000) final int plannedPages,
      @ForAll @IntRange(min = 1, max = 20_000) final int observedPages,
      @ForAll @IntRange(min = 2, max = 30) final int round,
      @ForAll @IntRange(min = 1, max = 250) final int remainingMebibytes) {
    final MigrationGoal goal = deadline(Duration.ofSeconds(60), true);
    final MigrationPlan plan;
    try {
      plan = MigrationBroker.plan(goal, 256 * MIB, DirtyRate.ofPagesPerSecond(plannedPages));
    } catch (final InfeasiblePlanException e) {
      return;
    }
    final MigrationBroker broker = MigrationBroker.forPlan(goal, plan, false);
    final MigrationBroker.Steer steer =
        broker.onProgress(
            new MigrationBroker.Progress(
                round, round, remainingMebibytes * MIB, observedPages, false));
    steer
        .raiseTo()
        .ifPresent(
            r -> assertTrue(r.compareTo(plan.appliedBandwidth()) > 0, "a raise, never less"));
    assertTrue(broker.bandwidth().compareTo(plan.appliedBandwidth()) >= 0);
  }

  @Test
  void postCopyAtOnceShouldSwitchAfterTheFirstPassAndNeedAGoalThatAllowsIt() {
    final MigrationGoal goal = deadline(Duration.ofSeconds(20), true);
    final MigrationPlan plan =
        MigrationBroker.plan(goal, 256 * MIB, DirtyRate.ofPagesPerSecond(500));
    final MigrationBroker broker = MigrationBroker.forPlan(goal, plan, true);
    assertFalse(
        broker
            .onProgress(new MigrationBroker.Progress(0.5, 0, 256 * MIB, 0, false))
            .startPostCopy());
    assertTrue(
        broker.onProgress(new MigrationBroker.Progress(1, 1, 200 * MIB, 0, false)).startPostCopy());
    assertFalse(
        broker.onProgress(new MigrationBroker.Progress(2, 1, 100 * MIB, 0, true)).startPostCopy(),
        "once in post-copy, never again");
    assertThrows(
        IllegalArgumentException.class,
        () -> MigrationBroker.forPlan(deadline(Duration.ofSeconds(20), false), plan, true));
  }

  @Test
  void postCopyShouldStartAfterTheFirstCopyWhenPreCopyCannotConverge() {
    // 64 Mbps (8 MiB/s) against 5,000 pages/s (19.5 MiB/s): the plan rescues with post-copy.
    final MigrationGoal goal = Goals.bandwidth(BitRate.parse("64Mbps"), true);
    final MigrationPlan plan =
        MigrationBroker.plan(goal, 128 * MIB, DirtyRate.ofPagesPerSecond(5000));
    assertTrue(plan.postCopyAfterFirstRound());
    final MigrationBroker broker = MigrationBroker.forPlan(goal, plan, false);
    assertFalse(
        broker.onProgress(new MigrationBroker.Progress(8, 1, 64 * MIB, 0, false)).startPostCopy(),
        "not during the first full copy");
    final MigrationBroker.Steer steer =
        broker.onProgress(new MigrationBroker.Progress(16, 2, 100 * MIB, 5_000, false));
    assertTrue(steer.startPostCopy(), "the first copy is done: " + steer);
    assertEquals(Optional.empty(), steer.raiseTo(), "a fixed bandwidth is never raised");
  }
}
