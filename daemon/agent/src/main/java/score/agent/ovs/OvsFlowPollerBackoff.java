package score.agent.ovs;

import java.time.Duration;

/** Retry delay after failed polls: doubling, capped. */
public final class OvsFlowPollerBackoff {
  private OvsFlowPollerBackoff() {}

  /** {@code interval · 2^failures}, at most {@code maxBackoff}. */
  public static long millis(
      final Duration interval, final Duration maxBackoff, final long failures) {
    final long shift = Math.max(0, Math.min(failures, 20));
    return Math.min(maxBackoff.toMillis(), interval.toMillis() << shift);
  }
}
