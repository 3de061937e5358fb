package score.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The broker of one live migration (time-constrained migration paper, Algorithm 1; VMPatrol's
 * pre-copy model): it plans the least bandwidth that meets the deadline, watches every progress
 * report, and decides what the migration's driver applies: a higher bandwidth when a new round
 * shows a dirty rate the plan did not expect, and the switch to post-copy when pre-copy can no
 * longer make the deadline (or at once, for a VM whose own sending would contend with its
 * pre-copy). Pure: the driver (libvirt in the agent) reads the progress and applies the steer.
 *
 * <p>Bandwidth is raised, never lowered: lowering it near the end slowed the last rounds more than
 * the model says (QEMU converges on its measured bandwidth, which small rounds never reach).
 *
 * <p>One instance per migration, one thread (the driver's progress callbacks).
 */
public final class MigrationBroker {
  /** libvirt's bandwidth unit: whole MiB/s, so a plan is rounded up to it. */
  public static final long LIBVIRT_BANDWIDTH_STEP_BYTES_PER_SECOND = 1L << 20;

  /** A raise of the bandwidth, when and at which round. */
  public record BandwidthChange(double atSeconds, long iteration, BitRate bandwidth) {}

  /**
   * A progress report of the running migration.
   *
   * @param iteration the pre-copy round (1: the first full pass)
   * @param dirtyPagesPerSecond the hypervisor's observed dirty rate (0 while unknown)
   */
  public record Progress(
      double elapsedSeconds,
      long iteration,
      long dataRemainingBytes,
      long dirtyPagesPerSecond,
      boolean inPostCopy) {}

  /** What the driver applies now: a new bandwidth (bytes per second), post-copy, both or none. */
  public record Steer(Optional<BitRate> raiseTo, boolean startPostCopy) {
    public static final Steer NOTHING = new Steer(Optional.empty(), false);
  }

  private final MigrationGoal goal;
  private final MigrationPlan plan;
  private final boolean postCopyAtOnce;
  private final double deadlineSeconds;
  private final List<BandwidthChange> changes = new ArrayList<>();
  private BitRate current;
  private long lastIteration;

  private MigrationBroker(
      final MigrationGoal goal, final MigrationPlan plan, final boolean postCopyAtOnce) {
    if (postCopyAtOnce && !goal.postCopyAllowed()) {
      throw new IllegalArgumentException("post-copy at once needs a goal that allows post-copy");
    }
    this.goal = goal;
    this.plan = plan;
    this.postCopyAtOnce = postCopyAtOnce;
    this.current = plan.appliedBandwidth();
    this.deadlineSeconds =
        goal.deadline().map(d -> d.toNanos() / 1e9).orElse(Double.POSITIVE_INFINITY);
  }

  /**
   * The plan for a VM of {@code memoryBytes} dirtying memory at {@code dirtyRate}, rounded up to
   * libvirt's step (throws {@link InfeasiblePlanException} when no bandwidth meets the goal).
   */
  public static MigrationPlan plan(
      final MigrationGoal goal, final long memoryBytes, final DirtyRate dirtyRate) {
    return MigrationPlanner.plan(
        goal, ByteSize.ofBytes(memoryBytes), dirtyRate, LIBVIRT_BANDWIDTH_STEP_BYTES_PER_SECOND);
  }

  /** A broker for a migration that runs {@code plan}. */
  public static MigrationBroker forPlan(
      final MigrationGoal goal, final MigrationPlan plan, final boolean postCopyAtOnce) {
    return new MigrationBroker(goal, plan, postCopyAtOnce);
  }

  /** What to apply after {@code now}. */
  public Steer onProgress(final Progress now) {
    Optional<BitRate> raise = Optional.empty();
    if (now.iteration() > lastIteration
        && now.iteration() >= 2
        && now.dirtyPagesPerSecond() > 0
        && !now.inPostCopy()) {
      // A new round: the hypervisor now knows the real dirty rate; re-plan the rest.
      lastIteration = now.iteration();
      final Optional<BitRate> better =
          MigrationPlanner.replan(
              goal,
              now.elapsedSeconds(),
              ByteSize.ofBytes(now.dataRemainingBytes()),
              DirtyRate.ofPagesPerSecond(now.dirtyPagesPerSecond()),
              LIBVIRT_BANDWIDTH_STEP_BYTES_PER_SECOND);
      if (better.isPresent() && better.get().compareTo(current) > 0) {
        current = better.get();
        changes.add(new BandwidthChange(now.elapsedSeconds(), now.iteration(), current));
        raise = better;
      }
    }
    final boolean postCopy =
        !now.inPostCopy()
            && (postCopyAtOnce
                ? now.iteration() >= 1
                : goal.postCopyAllowed()
                    && PostCopySwitch.due(
                        plan,
                        now.iteration(),
                        now.elapsedSeconds(),
                        now.dataRemainingBytes(),
                        current.bitsPerSecond() / 8.0,
                        now.dirtyPagesPerSecond() * (double) DirtyRate.PAGE_BYTES,
                        deadlineSeconds));
    return raise.isEmpty() && !postCopy ? Steer.NOTHING : new Steer(raise, postCopy);
  }

  /** The bandwidth the migration runs at now. */
  public BitRate bandwidth() {
    return current;
  }

  /** Every raise so far, in order. */
  public List<BandwidthChange> changes() {
    return List.copyOf(changes);
  }
}
