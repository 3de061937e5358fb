package score.core.plan;

import java.time.Duration;
import java.util.Optional;

/**
 * No bandwidth satisfies the request. Says what would: the least deadline the path allows, or the
 * least bandwidth the deadline needs.
 */
public final class InfeasiblePlanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Optional<Duration> leastDeadline;
  private final transient Optional<BitRate> leastBandwidth;

  public InfeasiblePlanException(
      final String message,
      final Optional<Duration> leastDeadline,
      final Optional<BitRate> leastBandwidth) {
    super(message);
    this.leastDeadline = leastDeadline;
    this.leastBandwidth = leastBandwidth;
  }

  public Optional<Duration> leastDeadline() {
    return leastDeadline;
  }

  public Optional<BitRate> leastBandwidth() {
    return leastBandwidth;
  }

  /** Seconds rounded up to the millisecond, so that the figure quoted is itself feasible. */
  static Duration ceilMillis(final double seconds) {
    return Duration.ofMillis((long) Math.ceil(seconds * 1e3 - 1e-9));
  }
}
