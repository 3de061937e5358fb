package score.agent.traffic;

import java.util.List;
import score.core.decision.NeighbourTraffic;
import score.core.port.TrafficView;
import score.flowtable.PairAggregate;

/**
 * The core's {@link TrafficView} on this host's flow table, read from the poller's latest snapshot:
 * λ(z, u) for each neighbour z of VM u (a VM's id is its IPv4 address), both directions merged, in
 * bytes per second over the window since its flows were last consumed (S-CORE section III-C). The
 * view is reused by the next call.
 */
public final class FlowTableTraffic implements TrafficView {
  private final TrafficSnapshots snapshots;
  private List<PairAggregate> pairs = List.of();
  private int self;

  private final NeighbourTraffic view =
      new NeighbourTraffic() {
        @Override
        public int count() {
          return pairs.size();
        }

        @Override
        public int vm(final int index) {
          final PairAggregate pair = pairs.get(index);
          return pair.ipA() == self ? pair.ipB() : pair.ipA();
        }

        @Override
        public double bytesPerSecond(final int index) {
          return pairs.get(index).bytesPerSecond();
        }
      };

  public FlowTableTraffic(final TrafficSnapshots snapshots) {
    this.snapshots = snapshots;
  }

  @Override
  public NeighbourTraffic neighboursOf(final int vmId) {
    self = vmId;
    final List<PairAggregate> all = snapshots.current().pairsOf(vmId);
    // A pair that carried nothing in the window (a probe steered before it was counted, a flow
    // gone quiet) costs nothing and would only be located in vain.
    List<PairAggregate> busy = all;
    for (final PairAggregate pair : all) {
      if (!(pair.bytesPerSecond() > 0)) {
        busy = new java.util.ArrayList<>(all.size());
        for (final PairAggregate kept : all) {
          if (kept.bytesPerSecond() > 0) {
            busy.add(kept);
          }
        }
        break;
      }
    }
    pairs = busy;
    return view;
  }

  /** A decision for {@code vmId} has used its history: its flows start a new window. */
  public void consume(final int vmId) {
    snapshots.consume(vmId);
  }
}
