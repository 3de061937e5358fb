package score.core.decision;

/**
 * c_m of eq. 2: an absolute cost, or a fraction of the deciding VM's own share of the overall cost,
 * 2·C(u) (the most a move of u can save). A fraction of the whole data centre's cost, read
 * literally, exceeds any single VM's possible gain as soon as there are more than a handful of VMs,
 * so no migration would ever pass: the per-VM reading is the one that shows Fig. 2c's fall-off at
 * any scale (see docs/measurements.md, Fig. 2c).
 */
public record MigrationCost(double absolute, double fractionOfVmCost) {
  public MigrationCost {
    if (!(absolute >= 0) || Double.isInfinite(absolute)) {
      throw new IllegalArgumentException("c_m must be a non-negative number: " + absolute);
    }
    if (!(fractionOfVmCost >= 0) || fractionOfVmCost > 1) {
      throw new IllegalArgumentException("the c_m fraction must be in [0, 1]: " + fractionOfVmCost);
    }
  }

  public static final MigrationCost ZERO = new MigrationCost(0, 0);

  public static MigrationCost fraction(final double fraction) {
    return new MigrationCost(0, fraction);
  }

  public static MigrationCost absolute(final double cost) {
    return new MigrationCost(cost, 0);
  }

  /** c_m for a VM whose current cost is {@code vmCost} (C(u) of Table I). */
  public double forVm(final double vmCost) {
    return absolute + fractionOfVmCost * 2 * vmCost;
  }
}
