package score.sim;

/**
 * The traffic generator's parameters; {@link #DEFAULTS} follows the measurement studies S-CORE
 * cites (see {@link TrafficGenerator} and docs/design.md for sources).
 *
 * @param inRackPeersMean correspondents an ordinary VM picks inside its rack (Poisson mean); as its
 *     peers pick it too, a VM ends with about twice as many, matching the median of 2 (Kandula et
 *     al., IMC 2009)
 * @param outsidePeersMean correspondents it picks outside its rack (ends near the median of 4 of
 *     the same study)
 * @param busyFraction share of VMs that are "busy" talkers
 * @param busyWholeRackShare of the busy ones, the share that talk to their whole rack; the rest
 *     talk to 1-10 % of the VMs outside it (same study)
 * @param busyOutsideCap the most outside correspondents one busy VM gets (keeps very large data
 *     centres tractable, and the busy VMs from inflating everyone's median)
 * @param sameGroupShare share of outside correspondents drawn from the VM's own aggregation group
 * @param hotRackFraction share of racks that are hot spots (S-CORE Fig. 2a; Kandula et al., HotNets
 *     2009: a few ToRs carry most of the load)
 * @param hotRackShare share of outside correspondents drawn from hot racks
 * @param hotRateFactor rate multiplier for pairs that touch a hot rack
 * @param medianBytesPerSecond median pair rate (log-normal)
 * @param rateSigma log-normal shape: heavy tail (Benson et al., IMC 2010)
 */
public record TrafficProfile(
    double inRackPeersMean,
    double outsidePeersMean,
    double busyFraction,
    double busyWholeRackShare,
    int busyOutsideCap,
    double sameGroupShare,
    double hotRackFraction,
    double hotRackShare,
    double hotRateFactor,
    double medianBytesPerSecond,
    double rateSigma) {
  public static final TrafficProfile DEFAULTS =
      new TrafficProfile(1, 2, 0.005, 0.5, 500, 0.5, 0.05, 0.25, 3, 125_000, 1.5);

  public TrafficProfile {
    requireFraction("busyFraction", busyFraction);
    requireFraction("busyWholeRackShare", busyWholeRackShare);
    requireFraction("sameGroupShare", sameGroupShare);
    requireFraction("hotRackFraction", hotRackFraction);
    requireFraction("hotRackShare", hotRackShare);
    if (!(inRackPeersMean >= 0) || !(outsidePeersMean >= 0) || busyOutsideCap < 0) {
      throw new IllegalArgumentException("peer counts must be non-negative");
    }
    if (!(medianBytesPerSecond > 0) || !(rateSigma >= 0) || !(hotRateFactor > 0)) {
      throw new IllegalArgumentException("rates must be positive");
    }
  }

  private static void requireFraction(final String name, final double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
    }
  }
}
