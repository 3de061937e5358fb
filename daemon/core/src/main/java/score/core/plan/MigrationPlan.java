package score.core.plan;

/**
 * The planner's answer for one live migration.
 *
 * @param plannedBandwidth what the objective chose (or what was asked)
 * @param estimate the model's prediction at the bandwidth the hypervisor will apply: the planned
 *     one rounded up to the hypervisor's step, so the deadline still holds
 * @param postCopyAfterFirstRound pre-copy cannot converge at this bandwidth; the migration switches
 *     to post-copy once the first full copy is done (only when post-copy is allowed)
 */
public record MigrationPlan(
    BitRate plannedBandwidth, PreCopyEstimate estimate, boolean postCopyAfterFirstRound) {

  public BitRate appliedBandwidth() {
    return estimate.bandwidth();
  }

  public double appliedBytesPerSecond() {
    return estimate.bandwidth().bitsPerSecond() / 8.0;
  }
}
