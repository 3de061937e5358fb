package score.core.decision;

import java.util.Arrays;

/**
 * Link weights c_i per level (S-CORE eq. 1) and the cost of a path that climbs to level l, {@code
 * c_1 + … + c_l}; level 0 (the same host) costs nothing.
 */
public final class LinkWeights {
  private final double[] weights;
  private final double[] pathCosts;

  private LinkWeights(final double[] weights) {
    this.weights = weights.clone();
    this.pathCosts = new double[weights.length + 1];
    for (int level = 1; level <= weights.length; level++) {
      pathCosts[level] = pathCosts[level - 1] + weights[level - 1];
    }
  }

  /** Explicit weights c_1, c_2, …; each positive. */
  public static LinkWeights of(final double... weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("at least one link weight is needed");
    }
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            "link weight c_" + (i + 1) + " must be a positive number: " + weights[i]);
      }
    }
    return new LinkWeights(weights);
  }

  /**
   * The paper's weights for {@code levels} levels: e^0, e^1, e^3, e^5 (section IV-A), continued for
   * deeper trees with the same step, e^7, e^9, ….
   */
  public static LinkWeights paperDefaults(final int levels) {
    final double[] weights = new double[levels];
    for (int level = 1; level <= levels; level++) {
      weights[level - 1] = Math.exp(level == 1 ? 0 : 2 * level - 3);
    }
    return new LinkWeights(weights);
  }

  public int levels() {
    return weights.length;
  }

  /** c_1 + … + c_level. */
  public double pathCost(final int level) {
    return pathCosts[level];
  }

  public double[] weights() {
    return weights.clone();
  }

  @Override
  public String toString() {
    return Arrays.toString(weights);
  }
}
