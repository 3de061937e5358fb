package score.core.ring;

import score.protocol.Token;

/**
 * What the host does while it holds the token: the decision engine in the agent, a recorder in
 * tests. Called on the ring's thread; must not block.
 */
@FunctionalInterface
public interface TokenWork {
  /**
   * @param leaseValidUntilNanos the holder may start a migration only while {@code nowNanos} is
   *     before this (a majority confirmed its hold); {@link Long#MIN_VALUE} when not confirmed yet
   * @return the token to pass on (its entries and position updated), or null to keep holding and be
   *     asked again at the next heartbeat
   */
  Token hold(Token token, long leaseValidUntilNanos, long nowNanos);
}
