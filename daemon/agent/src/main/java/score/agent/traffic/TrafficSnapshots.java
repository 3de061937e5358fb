package score.agent.traffic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;
import score.flowtable.FlowTable;
import score.flowtable.PairAggregate;

/**
 * What the ring's thread reads of the flow table, published by the poller's thread after each poll
 * as an immutable snapshot: λ for every pair, indexed by each end, built in one pass over the table
 * (not one pass per VM on the ring). A decision that used a VM's history sends a message ({@link
 * #consume}); the poller applies it before its next poll. The ring never takes the table's lock.
 */
public final class TrafficSnapshots {
  /** Consumes waiting for the next poll; beyond this many the oldest are applied at once. */
  private static final int MAX_PENDING = 4096;

  /** One poll's view: each IP's pairs, by descending bytes, as of {@code atMillis}. */
  public record Snapshot(Map<Integer, List<PairAggregate>> byIp, long atMillis) {
    static final Snapshot EMPTY = new Snapshot(Map.of(), 0);

    public List<PairAggregate> pairsOf(final int ip) {
      return byIp.getOrDefault(ip, List.of());
    }
  }

  private final FlowTable table;
  private final LongSupplier nowMillis;
  private final BlockingQueue<Integer> consumed = new ArrayBlockingQueue<>(MAX_PENDING);
  private volatile Snapshot current = Snapshot.EMPTY;

  public TrafficSnapshots(final FlowTable table, final LongSupplier nowMillis) {
    this.table = table;
    this.nowMillis = nowMillis;
  }

  /** The latest snapshot (any thread, no lock). */
  public Snapshot current() {
    return current;
  }

  /** A decision used {@code ip}'s history: its flows start a new window at the next poll. */
  public void consume(final int ip) {
    if (!consumed.offer(ip)) {
      applyConsumed();
      consumed.offer(ip);
    }
  }

  /** Applies the consumes sent so far (the poller's thread, before a poll). */
  public void applyConsumed() {
    final long now = nowMillis.getAsLong();
    for (Integer ip = consumed.poll(); ip != null; ip = consumed.poll()) {
      table.consume(ip, now);
    }
  }

  /** Builds and publishes the snapshot of the table now (the poller's thread, after a poll). */
  public void publish() {
    final long now = nowMillis.getAsLong();
    final Map<Integer, List<PairAggregate>> byIp = new HashMap<>();
    for (final PairAggregate pair : table.pairs(now)) {
      byIp.computeIfAbsent(pair.ipA(), ip -> new ArrayList<>()).add(pair);
      if (pair.ipB() != pair.ipA()) {
        byIp.computeIfAbsent(pair.ipB(), ip -> new ArrayList<>()).add(pair);
      }
    }
    final Map<Integer, List<PairAggregate>> frozen = new HashMap<>(byIp.size() * 2);
    byIp.forEach((ip, pairs) -> frozen.put(ip, List.copyOf(pairs)));
    current = new Snapshot(Map.copyOf(frozen), now);
  }
}
