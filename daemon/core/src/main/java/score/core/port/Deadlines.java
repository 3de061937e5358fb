package score.core.port;

/**
 * Monotonic nanosecond times wrap around, so a deadline is compared by subtraction ({@code now -
 * deadline >= 0}), never with {@code <} and never against sentinels such as {@link Long#MIN_VALUE}
 * (as {@link System#nanoTime()}'s contract and aeron's driver do).
 */
public final class Deadlines {
  private Deadlines() {}

  /** Whether {@code deadlineNanos} has come at {@code nowNanos}. */
  public static boolean reached(final long nowNanos, final long deadlineNanos) {
    return nowNanos - deadlineNanos >= 0;
  }

  /** Whether {@code nowNanos} is still before {@code deadlineNanos}. */
  public static boolean before(final long nowNanos, final long deadlineNanos) {
    return nowNanos - deadlineNanos < 0;
  }

  /** The later of two times on the same (wrapping) clock. */
  public static long later(final long a, final long b) {
    return a - b >= 0 ? a : b;
  }

  /** The earlier of two times on the same (wrapping) clock. */
  public static long earlier(final long a, final long b) {
    return a - b <= 0 ? a : b;
  }
}
