package score.core.plan;

/**
 * Communication power at a migration bandwidth R: P(R) = P_idle + P_dyn·(R/R_ref)^α.
 *
 * <p>The Amendola poster leaves P(R) open. This form is a posynomial in R, which keeps the energy
 * P(R)·T_MMT(R) a posynomial too: convex in log R, the property behind the paper's Geometric
 * Programming remark, and what lets {@link MinimumEnergyPlanner} minimise it exactly. The idle term
 * charges the time a migration keeps the NIC and switch ports busy; the convex dynamic term (α &gt;
 * 1) makes each extra bit per second cost more, as in rate-power curves of NICs with rate-adaptive
 * links. The defaults are assumptions, not measurements: 1 W idle, 4 W more at 1 Gbps, α = 2;
 * operators set their own.
 */
public record PowerModel(Power idle, Power dynamicAtReference, BitRate reference, double exponent) {
  public static final PowerModel DEFAULT =
      new PowerModel(Power.ofWatts(2), Power.ofWatts(2), BitRate.ofMbps(1000), 2);

  public PowerModel {
    if (reference.bitsPerSecond() <= 0) {
      throw new IllegalArgumentException("the power model's reference rate must be positive");
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("the power exponent must be finite and non-negative");
    }
  }

  public double watts(final double bitsPerSecond) {
    return idle.watts() + dynamicWatts(bitsPerSecond);
  }

  /** The dynamic term alone, which is also R·dP/dR divided by α. */
  double dynamicWatts(final double bitsPerSecond) {
    return dynamicAtReference.watts()
        * Math.pow(bitsPerSecond / reference.bitsPerSecond(), exponent);
  }

  /** Energy of a migration at {@code estimate}'s bandwidth and time. */
  public double joules(final PreCopyEstimate estimate) {
    return watts(estimate.bandwidth().bitsPerSecond()) * estimate.timeSeconds();
  }
}
