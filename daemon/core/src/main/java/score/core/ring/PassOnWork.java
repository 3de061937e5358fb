package score.core.ring;

import score.protocol.Token;

/**
 * The agent's work while it holds the token, until the decision engine takes this place: pass the
 * token on as soon as a lease confirms the hold (the moment a decision could start a migration), or
 * after {@code maxHoldNanos} without one (no quorum: nothing may act here anyway).
 */
public final class PassOnWork implements TokenWork {
  private final long maxHoldNanos;
  private long heldSequence = -1;
  private long heldEpoch = -1;
  private long heldSince;

  public PassOnWork(final long maxHoldNanos) {
    this.maxHoldNanos = maxHoldNanos;
  }

  @Override
  public Token hold(final Token token, final long leaseValidUntilNanos, final long nowNanos) {
    if (token.epoch() != heldEpoch || token.sequence() != heldSequence) {
      heldEpoch = token.epoch();
      heldSequence = token.sequence();
      heldSince = nowNanos;
    }
    if (nowNanos < leaseValidUntilNanos || nowNanos - heldSince > maxHoldNanos) {
      final int next = token.vmCount() == 0 ? 0 : (token.position() + 1) % token.vmCount();
      return token.advanced(next);
    }
    return null;
  }
}
