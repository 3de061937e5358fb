package score.cli.archfixture;

import score.core.decision.LinkWeights;
import score.protocol.Token;

/**
 * Test fixture: an "adapter" that computes an eq. 1 term and routes the token itself, which {@code
 * ArchitectureTest.onlyTheCoreComputesDecidesRoutesOrPlans} must catch.
 */
public final class LeakyRouting {
  private LeakyRouting() {}

  public static double pairCost(final LinkWeights weights, final double bytesPerSecond) {
    return bytesPerSecond * weights.pathCost(2);
  }

  public static Token passOn(final Token token) {
    return token.advanced(token.position() + 1);
  }
}
