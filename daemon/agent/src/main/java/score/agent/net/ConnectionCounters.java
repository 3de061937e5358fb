package score.agent.net;

import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts refused connections by reason and logs the first few of each, then every thousandth. */
public final class ConnectionCounters {
  private static final System.Logger LOG = System.getLogger(ConnectionCounters.class.getName());

  private final Map<ConnectionRefusal, LongAdder> counts = new EnumMap<>(ConnectionRefusal.class);

  public ConnectionCounters() {
    for (final ConnectionRefusal reason : ConnectionRefusal.values()) {
      counts.put(reason, new LongAdder());
    }
  }

  /** Counts one refusal of {@code remote} for {@code reason}; {@code detail} goes to the log. */
  public void refused(
      final ConnectionRefusal reason, final SocketAddress remote, final String detail) {
    final LongAdder count = counts.get(reason);
    count.increment();
    final long seen = count.sum();
    if (seen <= 5 || seen % 1_000 == 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "closed connection #{0} from {1}: {2} {3}",
          seen,
          remote,
          reason,
          detail);
    }
  }

  public long count(final ConnectionRefusal reason) {
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
