package score.core.plan;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Plans one live migration for a {@link MigrationGoal}: VMPatrol's least bandwidth or Amendola's
 * minimum-energy bandwidth for a deadline, or the model's prediction at a given bandwidth; then
 * rounds the bandwidth up to the hypervisor's step (libvirt takes whole MiB/s) and predicts at
 * that. One planner for {@code score migrate}, the agent and the simulator.
 */
public final class MigrationPlanner {
  private MigrationPlanner() {}

  /**
   * @param bandwidthStepBytesPerSecond the hypervisor's bandwidth unit (1 MiB/s for libvirt)
   * @throws InfeasiblePlanException when no bandwidth meets the deadline on the path, or pre-copy
   *     cannot converge at the given bandwidth and post-copy is not allowed
   */
  public static MigrationPlan plan(
      final MigrationGoal goal,
      final ByteSize memory,
      final DirtyRate dirtyRate,
      final long bandwidthStepBytesPerSecond) {
    if (memory.isZero()) {
      throw new IllegalArgumentException("memory must be more than 0 bytes");
    }
    if (bandwidthStepBytesPerSecond < 1) {
      throw new IllegalArgumentException("the bandwidth step must be at least 1 byte/s");
    }
    final PreCopyModel model = PreCopyModel.kvm(memory, dirtyRate, goal.maxDowntime());
    if (goal.bandwidth().isPresent()) {
      return atBandwidth(goal, model, memory, dirtyRate, bandwidthStepBytesPerSecond);
    }
    final Duration deadline = goal.deadline().orElseThrow();
    final BitRate planned =
        switch (goal.objective()) {
          case MIN_BANDWIDTH ->
              LeastBandwidthPlanner.plan(
                      new DeadlineRequest(
                          memory, dirtyRate, deadline, goal.maxDowntime(), goal.pathBandwidth()))
                  .bandwidth();
          case MIN_ENERGY ->
              MinimumEnergyPlanner.plan(
                      new EnergyRequest(
                          memory,
                          dirtyRate,
                          deadline,
                          goal.maxDowntime(),
                          goal.pathBandwidth().orElseThrow(),
                          goal.power()))
                  .optimum()
                  .bandwidth();
        };
    final BitRate applied = roundUp(planned, bandwidthStepBytesPerSecond);
    if (goal.pathBandwidth().isPresent() && applied.compareTo(goal.pathBandwidth().get()) > 0) {
      // The step would overshoot the path: apply the plan itself, the hypervisor rounds down.
      return new MigrationPlan(planned, model.estimate(planned), false);
    }
    return new MigrationPlan(planned, model.estimate(applied), false);
  }

  private static MigrationPlan atBandwidth(
      final MigrationGoal goal,
      final PreCopyModel model,
      final ByteSize memory,
      final DirtyRate dirtyRate,
      final long step) {
    final BitRate asked = goal.bandwidth().orElseThrow();
    final BitRate applied = roundUp(asked, step);
    if (applied.bitsPerSecond() > dirtyRate.bitsPerSecond()) {
      return new MigrationPlan(asked, model.estimate(applied), false);
    }
    if (!goal.postCopyAllowed()) {
      throw new InfeasiblePlanException(
          String.format(
              Locale.ROOT,
              "at %.3f Mbps pre-copy never converges: the VM dirties %.3f Mbps; give more than"
                  + " %.3f Mbps, or allow post-copy",
              applied.megabitsPerSecond(),
              dirtyRate.bitsPerSecond() / 1e6,
              dirtyRate.bitsPerSecond() / 1e6),
          Optional.empty(),
          Optional.of(
              roundUp(new BitRate((long) Math.floor(dirtyRate.bitsPerSecond()) + 1), step)));
    }
    // One full copy at L, then post-copy fetches what was dirtied meanwhile (at most all of it).
    final double bits = memory.bits();
    final double bandwidth = applied.bitsPerSecond();
    final double firstCopy = bits / bandwidth;
    final double remainder = Math.min(bits, dirtyRate.bitsPerSecond() * firstCopy);
    return new MigrationPlan(
        asked,
        new PreCopyEstimate(applied, 1, (bits + remainder) / 8, (bits + remainder) / bandwidth, 0),
        true);
  }

  /**
   * The bandwidth that meets the deadline from here, for a running pre-copy migration: what remains
   * to send, the dirty rate the hypervisor observed in the last round, the time left. The planner's
   * dirty rate comes from sampling before the start, which can be off by a fifth or more
   * (TESTBED.md); re-planning at each round keeps the migration on its deadline with the least
   * bandwidth (Amendola et al. re-plan the same way, {@link EnergyRequest#remainder}).
   *
   * @return the bandwidth to apply, a whole number of steps; empty with no deadline, or when the
   *     time is up (the caller's own timeouts then decide)
   */
  public static Optional<BitRate> replan(
      final MigrationGoal goal,
      final double elapsedSeconds,
      final ByteSize remaining,
      final DirtyRate observed,
      final long bandwidthStepBytesPerSecond) {
    if (goal.deadline().isEmpty()) {
      return Optional.empty();
    }
    final double leftSeconds = goal.deadline().get().toNanos() / 1e9 - elapsedSeconds;
    if (!(leftSeconds > 0.001) || remaining.isZero()) {
      return Optional.empty();
    }
    final MigrationGoal rest =
        new MigrationGoal(
            Optional.of(Duration.ofNanos((long) (leftSeconds * 1e9))),
            Optional.empty(),
            goal.maxDowntime(),
            goal.objective(),
            goal.pathBandwidth(),
            goal.power(),
            goal.postCopyAllowed());
    try {
      return Optional.of(
          plan(rest, remaining, observed, bandwidthStepBytesPerSecond).appliedBandwidth());
    } catch (final InfeasiblePlanException beyondThePath) {
      return goal.pathBandwidth();
    }
  }

  /** {@code rate} rounded up to a whole number of {@code stepBytesPerSecond}. */
  static BitRate roundUp(final BitRate rate, final long stepBytesPerSecond) {
    final long stepBits = Math.multiplyExact(stepBytesPerSecond, 8L);
    final long steps = Math.max(1, -Math.floorDiv(-rate.bitsPerSecond(), stepBits));
    return new BitRate(Math.multiplyExact(steps, stepBits));
  }
}
