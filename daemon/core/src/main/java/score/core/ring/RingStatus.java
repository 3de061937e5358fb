package score.core.ring;

/**
 * A host's view of the ring at one moment.
 *
 * @param holding whether this host holds the token now
 * @param quorum whether this host hears from a majority of the configured hosts (incl. itself)
 * @param leaseValid whether it holds the token and a majority confirmed that recently enough to
 *     start a migration
 * @param tokenEpoch highest token epoch seen
 * @param tokenSequence highest sequence seen in that epoch
 * @param lastTokenVms VMs in the last token seen (-1 if none)
 * @param lastTokenPolicy policy of the last token seen (null if none)
 * @param lastTokenHolder host that held the last token seen (-1 if none)
 * @param lastTokenPosition position of the last token seen
 * @param lastTokenAgeMillis time since the last token was seen here (-1 if never)
 * @param livePeers peers heard from recently (with this host's cluster fingerprint)
 * @param members configured hosts, this one included
 * @param mismatchedPeers peers whose heartbeats carry another cluster fingerprint: their cluster
 *     file differs from this host's, so they do not count toward a majority here
 */
public record RingStatus(
    int host,
    boolean holding,
    boolean quorum,
    boolean leaseValid,
    long tokenEpoch,
    long tokenSequence,
    int lastTokenVms,
    String lastTokenPolicy,
    int lastTokenHolder,
    int lastTokenPosition,
    long lastTokenAgeMillis,
    int livePeers,
    int members,
    java.util.List<Integer> mismatchedPeers) {
  public RingStatus {
    mismatchedPeers = java.util.List.copyOf(mismatchedPeers);
  }
}
