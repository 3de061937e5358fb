package score.sim;

import java.util.Arrays;
import java.util.SplittableRandom;
import score.core.decision.Topology;

/** Random small instances for the reference and simulator tests. */
final class SimInstances {
  private SimInstances() {}

  static final long GIB = 1L << 30;

  record Instance(Topology topology, Allocation allocation, TrafficMatrix traffic) {}

  /** {@code vms} VMs filled onto the hosts of {@code topology}, random pairs and rates. */
  static Instance random(
      final Topology topology, final int vms, final int slots, final int pairs, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed);
    final int[] hostOf = new int[vms];
    final int perHost = (vms + topology.hosts() - 1) / topology.hosts();
    for (int vm = 0; vm < vms; vm++) {
      hostOf[vm] = vm / perHost;
    }
    // Shuffle so the fill order says nothing about who talks to whom.
    for (int i = vms - 1; i > 0; i--) {
      final int j = random.nextInt(i + 1);
      final int swap = hostOf[i];
      hostOf[i] = hostOf[j];
      hostOf[j] = swap;
    }
    final long[] memory = new long[vms];
    Arrays.fill(memory, GIB);
    final Allocation allocation =
        new Allocation(topology.hosts(), slots, slots * GIB, hostOf, memory);
    final TrafficMatrix.Builder builder = new TrafficMatrix.Builder(vms);
    for (int p = 0; p < pairs; p++) {
      builder.add(random.nextInt(vms), random.nextInt(vms), 1 + random.nextInt(1_000));
    }
    return new Instance(topology, allocation, builder.build());
  }
}
