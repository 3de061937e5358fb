package score.core.plan;

import java.time.Duration;
import java.util.Optional;

/**
 * A VMPatrol request: move {@code memory} dirtied at {@code dirtyRate} within {@code deadline},
 * with at most {@code downtimeLimit} of stop-and-copy (KVM's switchover goal T), over a path with
 * {@code maxBandwidth} available (empty: not limited).
 */
public record DeadlineRequest(
    ByteSize memory,
    DirtyRate dirtyRate,
    Duration deadline,
    Duration downtimeLimit,
    Optional<BitRate> maxBandwidth) {

  /** KVM's default downtime limit (migrate_set_downtime). */
  public static final Duration DEFAULT_DOWNTIME = Duration.ofMillis(300);

  public PreCopyModel model() {
    return PreCopyModel.kvm(memory, dirtyRate, downtimeLimit);
  }
}
