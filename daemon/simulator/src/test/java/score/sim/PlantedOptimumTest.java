package score.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/**
 * The reference is verified where the optimum is known by construction, at the paper's scale and at
 * a small one: (1) tenants that each fit one host, with room to spare: the optimum is zero; (2)
 * full hosts and tenants that are uniform cliques of two hosts' worth of VMs: the best a tenant can
 * do is two halves under one top-of-rack switch, 16 × 16 pairs over c_1 each way, and the lower
 * bound proves it (it equals that cost). The reference must come within 1 % of the optimum.
 */
class PlantedOptimumTest {
  private static final long GIB = 1L << 30;

  @Test
  void tenantsThatFitOneHostShouldAllShareOneAtPaperScale() {
    final Topology topology = Topology.fanout(20, 16, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(4);
    final int[] hostOf = InitialPlacement.RANDOM.place(topology.hosts(), 8, 16, 7);
    final Allocation start = allocation(topology, 16, hostOf);
    final TrafficMatrix traffic =
        new TenantTraffic(new TenantProfile(6, 16, 3, 0.5, 125_000, 1.5, 1, 0), hostOf.length, 7)
            .initial();
    final Reference reference = new Reference(topology, weights, traffic);
    assertEquals(0, reference.lowerBound(start));
    final double initial = OverallCost.of(traffic, start, topology, weights);
    final Reference.Result result = reference.compute(start, Reference.Effort.LOCAL, 7);
    assertTrue(
        result.cost() <= 0.01 * initial,
        "optimum 0, reference " + result.cost() + " of " + initial + " (" + result.method() + ")");
  }

  @Test
  void cliquesOfTwoHostsShouldBeHalvedUnderOneSwitchAtPaperScale() {
    plantedCliques(Topology.fanout(20, 16, 4, 2), LinkWeights.paperDefaults(4), 16, 3);
  }

  @Test
  void cliquesOfTwoHostsShouldBeHalvedUnderOneSwitchAtSmallScale() {
    for (long seed = 1; seed <= 5; seed++) {
      plantedCliques(Topology.fanout(4, 2, 2), LinkWeights.paperDefaults(3), 4, seed);
    }
  }

  /** Full hosts; tenants are cliques of 2 × slots VMs at one rate, shuffled over the hosts. */
  private static void plantedCliques(
      final Topology topology, final LinkWeights weights, final int slots, final long seed) {
    final int vms = topology.hosts() * slots;
    final int[] hostOf = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      hostOf[vm] = vm / slots;
    }
    final SplittableRandom random = new SplittableRandom(seed);
    for (int i = vms - 1; i > 0; i--) {
      final int j = random.nextInt(i + 1);
      final int swap = hostOf[i];
      hostOf[i] = hostOf[j];
      hostOf[j] = swap;
    }
    final Allocation start = allocation(topology, slots, hostOf);
    final int size = 2 * slots;
    final double rate = 1000;
    final TrafficMatrix.Builder builder = new TrafficMatrix.Builder(vms);
    for (int first = 0; first < vms; first += size) {
      for (int a = first; a < first + size; a++) {
        for (int b = a + 1; b < first + size; b++) {
          builder.add(a, b, rate);
        }
      }
    }
    final TrafficMatrix traffic = builder.build();
    // Per tenant: slots × slots pairs cross between the halves, each counted from both ends.
    final double optimum = (vms / size) * 2.0 * slots * slots * rate * weights.pathCost(1);
    final Reference reference = new Reference(topology, weights, traffic);
    assertEquals(optimum, reference.lowerBound(start), 1e-9 * optimum, "the bound proves it");
    final Reference.Result result = reference.compute(start, Reference.Effort.LOCAL, seed);
    assertTrue(
        result.cost() <= 1.01 * optimum,
        "optimum " + optimum + ", reference " + result.cost() + " (" + result.method() + ")");
  }

  private static Allocation allocation(
      final Topology topology, final int slots, final int[] hostOf) {
    final long[] memory = new long[hostOf.length];
    Arrays.fill(memory, GIB);
    return new Allocation(topology.hosts(), slots, slots * GIB, hostOf, memory);
  }
}
