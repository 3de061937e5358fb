package score.protocol;

import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts rejections by reason and logs the first few of each, then every thousandth. */
public final class RejectionCounters implements RejectionListener {
  private static final System.Logger LOG = System.getLogger(RejectionCounters.class.getName());

  private final Map<Rejection, LongAdder> counts = new EnumMap<>(Rejection.class);

  public RejectionCounters() {
    for (final Rejection reason : Rejection.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  @Override
  public void rejected(final Rejection reason, final String detail, final SocketAddress remote) {
    final LongAdder count = counts.get(reason);
    count.increment();
    final long seen = count.sum();
    if (seen <= 5 || seen % 1_000 == 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "rejected frame #{0} from {1}: {2} {3}",
          seen,
          remote,
          reason,
          detail);
    }
  }

  public long count(final Rejection reason) {
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
