package score.core.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * VMPatrol's reservation: the least bandwidth whose predicted migration time N/L meets the
 * deadline.
 *
 * <p>With the switchover rule alone, the time N/L is non-increasing in L: for a fixed n it is a sum
 * of terms M·R^i/L^(i+1), each falling in L, and a larger L never needs more rounds (T·L/M grows,
 * R/L shrinks). So the feasible bandwidths form a ray [L*, ∞) and a bisection over whole bits per
 * second finds L* exactly. The downtime is then at most T by the choice of n. The bracket comes
 * from M/L ≤ N/L ≤ M/(L-R): L* lies in [max(R, M/D), R + M/D].
 */
public final class LeastBandwidthPlanner {
  private LeastBandwidthPlanner() {}

  /**
   * The plan for {@code request}.
   *
   * @throws InfeasiblePlanException if the path's bandwidth cannot meet the deadline
   * @throws IllegalArgumentException for zero memory or a non-positive deadline
   */
  public static PreCopyEstimate plan(final DeadlineRequest request) {
    final PreCopyModel model = request.model();
    final double deadlineSeconds = DurationText.seconds(request.deadline());
    if (!(deadlineSeconds > 0)) {
      throw new IllegalArgumentException("the deadline must be positive");
    }
    final long bandwidth =
        leastBandwidthBits(
            request.memory().bits(),
            request.dirtyRate().bitsPerSecond(),
            deadlineSeconds,
            DurationText.seconds(request.downtimeLimit()));
    final Optional<BitRate> cap = request.maxBandwidth();
    if (cap.isPresent() && bandwidth > cap.get().bitsPerSecond()) {
      throw beyondPath(model, cap.get(), new BitRate(bandwidth), request);
    }
    return model.estimate(new BitRate(bandwidth));
  }

  /** The least whole bits per second meeting the deadline; allocation-free for the benchmark. */
  static long leastBandwidthBits(
      final double memoryBits,
      final double dirtyBits,
      final double deadlineSeconds,
      final double switchoverSeconds) {
    long low =
        Math.max((long) Math.floor(dirtyBits) + 1, (long) Math.floor(memoryBits / deadlineSeconds));
    long high = (long) Math.ceil(dirtyBits + memoryBits / deadlineSeconds) + 1;
    while (low < high) {
      final long middle = low + (high - low) / 2;
      if (PreCopyModel.timeSeconds(memoryBits, dirtyBits, middle, switchoverSeconds)
          <= deadlineSeconds) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  private static InfeasiblePlanException beyondPath(
      final PreCopyModel model,
      final BitRate cap,
      final BitRate needed,
      final DeadlineRequest request) {
    if (cap.bitsPerSecond() <= request.dirtyRate().bitsPerSecond()) {
      return new InfeasiblePlanException(
          String.format(
              Locale.ROOT,
              "dirty rate %s (%.3f Mbps) is not below the path's bandwidth %.3f Mbps; pre-copy"
                  + " never converges: the deadline needs at least %.3f Mbps",
              request.dirtyRate(),
              request.dirtyRate().bitsPerSecond() / 1e6,
              cap.megabitsPerSecond(),
              needed.megabitsPerSecond()),
          Optional.empty(),
          Optional.of(needed));
    }
    final PreCopyEstimate atCap = model.estimate(cap);
    final var leastDeadline = InfeasiblePlanException.ceilMillis(atCap.timeSeconds());
    return new InfeasiblePlanException(
        String.format(
            Locale.ROOT,
            "deadline %.3f s needs %.3f Mbps but the path allows %.3f Mbps; the least deadline"
                + " at %.3f Mbps is %.3f s",
            DurationText.seconds(request.deadline()),
            needed.megabitsPerSecond(),
            cap.megabitsPerSecond(),
            cap.megabitsPerSecond(),
            leastDeadline.toMillis() / 1e3),
        Optional.of(leastDeadline),
        Optional.of(needed));
  }
}
