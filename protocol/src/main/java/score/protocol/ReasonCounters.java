package score.protocol;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts refusals by reason (an enum) from any thread, and logs the first few of each reason, then
 * every thousandth, so that a flood is visible without flooding the log.
 */
public final class ReasonCounters<E extends Enum<E>> {
  private final Map<E, LongAdder> counts;
  private final System.Logger log;
  private final String what;

  /**
   * @param what the noun the log lines start with, as in "rejected frame"
   */
  public ReasonCounters(final Class<E> reasons, final System.Logger log, final String what) {
    this.counts = new EnumMap<>(reasons);
    for (final E reason : reasons.getEnumConstants()) {
      counts.put(reason, new LongAdder());
    }
    this.log = log;
    this.what = what;
  }

  /** Counts one refusal for {@code reason}; {@code from} and {@code detail} go to the log. */
  public void count(final E reason, final Object from, final String detail) {
    final LongAdder count = counts.get(reason);
    count.increment();
    final long seen = count.sum();
    if (seen <= 5 || seen % 1_000 == 0) {
      log.log(
          System.Logger.Level.WARNING,
          "{0} #{1} from {2}: {3} {4}",
          what,
          seen,
          from,
          reason,
          detail);
    }
  }

  public long count(final E reason) {
    return counts.get(reason).sum();
  }

  public long total() {
    long total = 0;
    for (final LongAdder count : counts.values()) {
      total += count.sum();
    }
    return total;
  }
}
