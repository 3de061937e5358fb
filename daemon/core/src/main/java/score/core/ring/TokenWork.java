package score.core.ring;

import score.protocol.Token;

/**
 * What the host does while it holds the token: the decision engine in the agent, a recorder in
 * tests. Called on the ring's thread; must not block.
 */
@FunctionalInterface
public interface TokenWork {
  /**
   * @param mayAct whether a majority has confirmed the hold: only then may the holder start a
   *     migration, and only while {@code nowNanos - leaseUntilNanos < 0}
   * @param leaseUntilNanos when the confirmed lease ends; meaningless unless {@code mayAct}
   * @return the token to pass on (its entries and position updated), or null to keep holding and be
   *     asked again at the next tick
   */
  Token hold(Token token, boolean mayAct, long leaseUntilNanos, long nowNanos);

  /**
   * How long from {@code nowNanos} the work has nothing to do unless a message arrives, so that the
   * ring may sleep that long while the host holds the token under a valid lease; 0 (the default) to
   * be asked again at the ring's finest tick.
   */
  default long nanosUntilDue(final long nowNanos) {
    return 0;
  }

  /**
   * The host that should receive {@code passed} next: the one that runs the VM whose turn comes
   * (S-CORE section III-D), or -1 for the next host in ring order. A host that is not a live
   * member, or that refused this handover, is passed over for ring order.
   */
  default int nextHost(final Token passed) {
    return -1;
  }
}
