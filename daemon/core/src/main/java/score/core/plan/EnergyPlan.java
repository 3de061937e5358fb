package score.core.plan;

/**
 * The minimum-energy bandwidth, and for comparison the least bandwidth of the same feasible
 * interval (same rounds, same limits) with its energy.
 *
 * @param preCopyRounds Ī_MAX of formula (4); {@code optimum.rounds()} is Ī_MAX + 1 because the
 *     model counts the stop-and-copy round too
 */
public record EnergyPlan(
    PreCopyEstimate optimum,
    double energyJoules,
    PreCopyEstimate leastBandwidth,
    double leastBandwidthEnergyJoules,
    long preCopyRounds) {

  /** The energy saved against the least-bandwidth plan, in percent of the latter. */
  public double savingPercent() {
    return leastBandwidthEnergyJoules == 0
        ? 0
        : 100 * (leastBandwidthEnergyJoules - energyJoules) / leastBandwidthEnergyJoules;
  }
}
