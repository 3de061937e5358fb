package score.core.ring;

import score.protocol.Token;

/**
 * The holder's work while there is nothing to decide: keep the token for {@code idleHoldNanos},
 * then pass it on as soon as a lease confirms the hold (the moment a decision could start a
 * migration), or after {@code maxHoldNanos} without one (no quorum: nothing may act here anyway).
 *
 * <p>The idle hold paces an idle ring: with {@code n} hosts the token goes round once per {@code n
 * · idleHoldNanos} instead of as fast as the network allows. Failure detection does not depend on
 * the pace: the holder renews its lease with every host once per heartbeat, and that, not the
 * token's arrival, is the sign of a live token that the rotation bound waits for (RingNode).
 */
public final class PassOnWork implements TokenWork {
  private final long idleHoldNanos;
  private final long maxHoldNanos;
  private long heldSequence = -1;
  private long heldEpoch = -1;
  private long heldSince;

  /**
   * @param idleHoldNanos least time to keep the token (0: pass it on at once)
   * @param maxHoldNanos most time to wait for a lease before passing the token on anyway
   */
  public PassOnWork(final long idleHoldNanos, final long maxHoldNanos) {
    if (idleHoldNanos < 0 || maxHoldNanos < 0) {
      throw new IllegalArgumentException(
          "hold times must not be negative: " + idleHoldNanos + ", " + maxHoldNanos);
    }
    this.idleHoldNanos = idleHoldNanos;
    this.maxHoldNanos = Math.max(idleHoldNanos, maxHoldNanos);
  }

  /** Passes the token on at once once a lease confirms it: a ring as fast as the network. */
  public static PassOnWork unpaced(final long maxHoldNanos) {
    return new PassOnWork(0, maxHoldNanos);
  }

  @Override
  public Token hold(
      final Token token, final boolean mayAct, final long leaseUntilNanos, final long nowNanos) {
    if (token.epoch() != heldEpoch || token.sequence() != heldSequence) {
      heldEpoch = token.epoch();
      heldSequence = token.sequence();
      heldSince = nowNanos;
    }
    final long heldNanos = nowNanos - heldSince;
    if (heldNanos >= idleHoldNanos && (mayAct || heldNanos > maxHoldNanos)) {
      final int next = token.vmCount() == 0 ? 0 : (token.position() + 1) % token.vmCount();
      return token.advanced(next);
    }
    return null;
  }

  @Override
  public long nanosUntilDue(final long nowNanos) {
    return Math.max(0, idleHoldNanos - (nowNanos - heldSince));
  }
}
