package score.agent.net;

import java.net.SocketAddress;
import score.protocol.ReasonCounters;

/** Counts refused connections by reason and logs the first few of each, then every thousandth. */
public final class ConnectionCounters {
  private final ReasonCounters<ConnectionRefusal> counts =
      new ReasonCounters<>(
          ConnectionRefusal.class,
          System.getLogger(ConnectionCounters.class.getName()),
          "closed connection");

  /** Counts one refusal of {@code remote} for {@code reason}; {@code detail} goes to the log. */
  public void refused(
      final ConnectionRefusal reason, final SocketAddress remote, final String detail) {
    counts.count(reason, remote, detail);
  }

  public long count(final ConnectionRefusal reason) {
    return counts.count(reason);
  }

  public long total() {
    return counts.total();
  }
}
