package score.sim;

import java.util.Arrays;
import score.core.decision.LinkWeights;

/**
 * A lower bound on the optimal communication cost (eq. 1), so that "of the optimum" is bounded from
 * both sides. A relaxation by capacity alone: a level-k subtree holds at most {@code m_k} VMs (its
 * hosts' slots), so a VM u with d neighbours has at least {@code d − (m_k − 1)} of them outside its
 * level-k subtree, each of which pays c_{k+1} beyond what it pays inside; at best these are u's
 * lightest pairs. Summed over the VMs, as eq. 1 sums every pair from both ends. Zero when every VM
 * has fewer neighbours than a host has slots (in particular when every group fits one host); exact
 * for uniform cliques that fill their hosts.
 */
final class LowerBound {
  private LowerBound() {}

  static double of(
      final TrafficMatrix traffic,
      final Subtrees tree,
      final LinkWeights weights,
      final int capacityPerHost) {
    final int levels = tree.levels() - 1;
    final long[] capacity = new long[levels];
    for (int k = 0; k < levels; k++) {
      capacity[k] = (long) tree.largestHosts(k) * capacityPerHost;
    }
    final double[] linkWeights = weights.weights();
    double[] rates = new double[16];
    double bound = 0;
    for (int vm = 0; vm < traffic.vms(); vm++) {
      final int degree = traffic.degree(vm);
      if (degree < capacity[0]) {
        continue;
      }
      if (rates.length < degree) {
        rates = new double[Math.max(degree, 2 * rates.length)];
      }
      for (int i = 0; i < degree; i++) {
        rates[i] = traffic.bytesPerSecond(traffic.rowStart(vm) + i);
      }
      Arrays.sort(rates, 0, degree);
      // rates[i] becomes the sum of the i + 1 lightest.
      for (int i = 1; i < degree; i++) {
        rates[i] += rates[i - 1];
      }
      for (int k = 0; k < levels; k++) {
        final long outside = degree - (capacity[k] - 1);
        if (outside <= 0) {
          break;
        }
        bound += linkWeights[k] * rates[(int) outside - 1];
      }
    }
    return bound;
  }
}
