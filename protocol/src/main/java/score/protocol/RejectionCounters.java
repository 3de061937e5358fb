package score.protocol;

import java.net.SocketAddress;

/** Counts rejected frames by reason and logs the first few of each, then every thousandth. */
public final class RejectionCounters implements RejectionListener {
  private final ReasonCounters<Rejection> counts =
      new ReasonCounters<>(
          Rejection.class, System.getLogger(RejectionCounters.class.getName()), "rejected frame");

  @Override
  public void rejected(final Rejection reason, final String detail, final SocketAddress remote) {
    counts.count(reason, remote, detail);
  }

  public long count(final Rejection reason) {
    return counts.count(reason);
  }

  public long total() {
    return counts.total();
  }
}
