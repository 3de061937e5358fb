package score.core.ring;

import java.time.Duration;
import java.util.List;

/**
 * Timing of the token ring. The rotation bound follows corosync's totem: a base plus a per-host
 * coefficient, {@code rotationBase + rotationPerHost · hosts}.
 *
 * @param members every configured host id, the ring order being ascending id
 * @param heartbeat interval of liveness probes and lease renewals
 * @param ackTimeout how long a sender waits for a token acknowledgement before skipping the host
 * @param lease how long a majority's confirmation lets a holder start migrations
 * @param clockDriftFraction how much faster one host's clock may run than another's (0.05 = 5 %)
 * @param clusterFingerprint digest of the cluster configuration (members and addresses), carried in
 *     heartbeats: hosts whose fingerprints differ never count each other toward a majority
 */
public record RingSettings(
    int selfId,
    List<Integer> members,
    Duration rotationBase,
    Duration rotationPerHost,
    Duration heartbeat,
    Duration ackTimeout,
    Duration lease,
    double clockDriftFraction,
    long clusterFingerprint) {

  /** Largest host id: it takes the low 16 bits of an epoch. */
  public static final int MAX_HOST_ID = 0xFFFF;

  public RingSettings {
    members = List.copyOf(members.stream().sorted().distinct().toList());
    if (!members.contains(selfId)) {
      throw new IllegalArgumentException("host " + selfId + " is not among " + members);
    }
    for (final int id : members) {
      if (id < 1 || id > MAX_HOST_ID) {
        throw new IllegalArgumentException("host ids must be 1.." + MAX_HOST_ID + ": " + id);
      }
    }
    if (clockDriftFraction < 0 || clockDriftFraction >= 0.5) {
      throw new IllegalArgumentException("clock drift must be in [0, 0.5): " + clockDriftFraction);
    }
    if (lease.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "lease " + lease + " must be at least two heartbeats (" + heartbeat + ")");
    }
  }

  /** Settings whose hosts all share fingerprint 0 (tests and simulations of one configuration). */
  public RingSettings(
      final int selfId,
      final List<Integer> members,
      final Duration rotationBase,
      final Duration rotationPerHost,
      final Duration heartbeat,
      final Duration ackTimeout,
      final Duration lease,
      final double clockDriftFraction) {
    this(
        selfId,
        members,
        rotationBase,
        rotationPerHost,
        heartbeat,
        ackTimeout,
        lease,
        clockDriftFraction,
        0);
  }

  /** Defaults for a data centre: 1 s heartbeats, 3 s leases, 10 s + 200 ms per host rotation. */
  public static RingSettings defaults(final int selfId, final List<Integer> members) {
    return new RingSettings(
        selfId,
        members,
        Duration.ofSeconds(10),
        Duration.ofMillis(200),
        Duration.ofSeconds(1),
        Duration.ofMillis(500),
        Duration.ofSeconds(3),
        0.05);
  }

  /** Votes (the host's own included) that make a majority of the configured hosts. */
  public int majority() {
    return members.size() / 2 + 1;
  }

  /** Time after which a host that saw no sign of a live token starts a claim. */
  public Duration rotationBound() {
    return rotationBase.plus(rotationPerHost.multipliedBy(members.size()));
  }

  /** A peer not heard from for this long is skipped. */
  public Duration suspectAfter() {
    return heartbeat.multipliedBy(3);
  }
}
