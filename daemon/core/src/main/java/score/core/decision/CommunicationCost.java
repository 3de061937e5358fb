package score.core.decision;

import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * S-CORE eq. 1, C^A = Σ_u Σ_{v ∈ V_u} λ(u, v) (c_1 + … + c_ℓ(u, v)): the data centre's
 * communication cost of an allocation, and its term for one pair. The simulator's figures and
 * reference searches read the cost here; the holder's decisions and the agent's metric read it per
 * VM through {@link NeighbourhoodCost}, which sums the same terms by subtree.
 */
public final class CommunicationCost {
  private final Topology topology;
  private final LinkWeights weights;

  public CommunicationCost(final Topology topology, final LinkWeights weights) {
    this.topology = topology;
    this.weights = weights;
  }

  /** One pair's term: λ(u, v)·(c_1 + … + c_ℓ) between hosts {@code hostA} and {@code hostB}. */
  public double pair(final double bytesPerSecond, final int hostA, final int hostB) {
    return bytesPerSecond * weights.pathCost(topology.level(hostA, hostB));
  }

  /**
   * Eq. 1 over {@code vms} VMs: every pair appears twice, once from each end, exactly as the
   * equation sums it (and as eq. 2's factor 2 assumes).
   *
   * @param rows each VM's neighbours and rates (the view may be reused between calls)
   * @param hostOf where each VM runs
   */
  public double total(
      final int vms, final IntFunction<NeighbourTraffic> rows, final IntUnaryOperator hostOf) {
    double total = 0;
    for (int vm = 0; vm < vms; vm++) {
      final int host = hostOf.applyAsInt(vm);
      final NeighbourTraffic row = rows.apply(vm);
      for (int i = 0; i < row.count(); i++) {
        total += pair(row.bytesPerSecond(i), host, hostOf.applyAsInt(row.vm(i)));
      }
    }
    return total;
  }
}
