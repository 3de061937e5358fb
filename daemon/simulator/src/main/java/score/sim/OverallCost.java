package score.sim;

import score.core.decision.LinkWeights;
import score.core.decision.NeighbourTraffic;
import score.core.decision.Topology;
import score.core.port.TrafficView;

/**
 * S-CORE eq. 1: C^A = Σ_u Σ_{v ∈ V_u} λ(u, v) (c_1 + … + c_ℓ(u, v)). Every pair appears twice, once
 * from each end, exactly as the equation sums it (and as eq. 2's factor 2 assumes).
 */
public final class OverallCost {
  private OverallCost() {}

  public static double of(
      final TrafficMatrix traffic,
      final Allocation allocation,
      final Topology topology,
      final LinkWeights weights) {
    double total = 0;
    for (int vm = 0; vm < traffic.vms(); vm++) {
      final int host = allocation.hostOf(vm);
      final int end = traffic.rowStart(vm + 1);
      for (int e = traffic.rowStart(vm); e < end; e++) {
        total +=
            traffic.bytesPerSecond(e)
                * weights.pathCost(topology.level(host, allocation.hostOf(traffic.neighbour(e))));
      }
    }
    return total;
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
