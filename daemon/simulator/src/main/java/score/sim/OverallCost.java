package score.sim;

import score.core.decision.CommunicationCost;
import score.core.decision.LinkWeights;
import score.core.decision.NeighbourTraffic;
import score.core.decision.Topology;
import score.core.port.TrafficView;

/**
 * S-CORE eq. 1 of an allocation in the model ({@link CommunicationCost}, the core's), and the
 * model's rows as the core's traffic port.
 */
public final class OverallCost {
  private OverallCost() {}

  public static double of(
      final TrafficMatrix traffic,
      final Allocation allocation,
      final Topology topology,
      final LinkWeights weights) {
    final Row row = new Row(traffic);
    return new CommunicationCost(topology, weights)
        .total(traffic.vms(), row::of, allocation::hostOf);
  }

  /**
   * A reusable view of one VM's row: the simulator's side of the core's traffic port, read as the
   * decision engine reads the agent's flow table.
   */
  static final class Row implements NeighbourTraffic, TrafficView {
    private final TrafficMatrix traffic;
    private int start;
    private int count;

    Row(final TrafficMatrix traffic) {
      this.traffic = traffic;
    }

    @Override
    public NeighbourTraffic neighboursOf(final int vmId) {
      return of(vmId);
    }

    Row of(final int vm) {
      start = traffic.rowStart(vm);
      count = traffic.rowStart(vm + 1) - start;
      return this;
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public int vm(final int index) {
      return traffic.neighbour(start + index);
    }

    @Override
    public double bytesPerSecond(final int index) {
      return traffic.bytesPerSecond(start + index);
    }
  }
}
