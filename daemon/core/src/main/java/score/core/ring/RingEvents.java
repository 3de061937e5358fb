package score.core.ring;

import score.protocol.Token;

/** What a {@link RingNode} reports as it happens: for status, metrics and test observers. */
public interface RingEvents {
  default void accepted(final int host, final Token token, final long nowNanos) {}

  default void passed(final int host, final Token token, final int to, final long nowNanos) {}

  default void dropped(final int host, final Token token, final String why, final long nowNanos) {}

  default void created(final int host, final Token token, final long nowNanos) {}

  default void claimStarted(final int host, final long epoch, final long nowNanos) {}

  /** No-op events. */
  RingEvents NONE = new RingEvents() {};
}
