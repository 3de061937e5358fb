package score.agent.net;

import java.time.Duration;
import score.protocol.WireFormat;

/**
 * What a connection may cost the agent before and after it proves it knows the cluster key.
 *
 * @param unauthenticatedMaxFrameBytes largest frame accepted before the first authenticated one
 *     (the most a stranger's connection makes the agent buffer)
 * @param unauthenticatedPerAddress connections from one address that have not authenticated yet
 * @param unauthenticatedTotal connections in all that have not authenticated yet (authenticated
 *     ones are one per peer: a newer connection from a peer replaces its older one)
 * @param handshakeTimeout time for a new connection to deliver its first authenticated frame
 * @param readIdleTimeout an inbound connection silent this long is closed
 */
public record TransportLimits(
    int unauthenticatedMaxFrameBytes,
    int unauthenticatedPerAddress,
    int unauthenticatedTotal,
    Duration handshakeTimeout,
    Duration readIdleTimeout) {

  public TransportLimits {
    if (unauthenticatedMaxFrameBytes < WireFormat.MIN_LENGTH
        || unauthenticatedPerAddress < 1
        || unauthenticatedTotal < unauthenticatedPerAddress
        || handshakeTimeout.isNegative()
        || handshakeTimeout.isZero()
        || readIdleTimeout.isNegative()
        || readIdleTimeout.isZero()) {
      throw new IllegalArgumentException("transport limits out of range: " + this);
    }
  }

  /**
   * 64 KiB per stranger, 8 strangers per address and 32 in all (at most 2 MiB held for all of
   * them), 3 s to authenticate, and a read timeout of ten heartbeats (at least 10 s).
   */
  public static TransportLimits defaults(final Duration heartbeat) {
    final Duration tenHeartbeats = heartbeat.multipliedBy(10);
    return new TransportLimits(
        WireFormat.UNAUTHENTICATED_MAX_LENGTH,
        8,
        32,
        Duration.ofSeconds(3),
        tenHeartbeats.compareTo(Duration.ofSeconds(10)) > 0
            ? tenHeartbeats
            : Duration.ofSeconds(10));
  }
}
