package score.core.ring;

import score.protocol.Token;

/** What a {@link RingNode} reports as it happens: for status, metrics and test observers. */
public interface RingEvents {
  default void accepted(final int host, final Token token, final long nowNanos) {}

  default void passed(final int host, final Token token, final int to, final long nowNanos) {}

  default void dropped(final int host, final Token token, final String why, final long nowNanos) {}

  default void created(final int host, final Token token, final long nowNanos) {}

  default void claimStarted(final int host, final long epoch, final long nowNanos) {}

  /**
   * {@code peer}'s heartbeats carry cluster fingerprint {@code theirs}, not this host's {@code
   * ours}: their cluster files differ, and neither counts the other toward a majority. Reported
   * when a peer's fingerprint changes, not at every heartbeat.
   */
  default void configMismatch(
      final int host, final int peer, final long theirs, final long ours, final long nowNanos) {}

  /**
   * The host's token work threw: the ring goes on (the token is passed on unchanged, in ring
   * order), and the driver counts and logs the fault.
   */
  default void workFailed(final int host, final RuntimeException error, final long nowNanos) {}

  /** No-op events. */
  RingEvents NONE = new RingEvents() {};
}
