package score.flowtable;

/**
 * λ(a, b): the traffic between two IPs in both directions, summed over their flows (S-CORE section
 * III-F, aggregate throughput).
 *
 * @param bytes bytes on the wire (whole Ethernet frames) since {@code windowStartMillis}
 * @param bytesPerSecond {@code bytes} over the window from its start to the query time, at least
 *     {@link FlowTable#MIN_RATE_WINDOW_MILLIS} long
 */
public record PairAggregate(
    int ipA,
    int ipB,
    long bytes,
    long packets,
    int flows,
    long windowStartMillis,
    long lastSeenMillis,
    double bytesPerSecond) {}
