package score.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/** The reference earns its name: exact on small instances, never beaten by a policy. */
class ReferenceTest {
  private static final Topology SMALL = Topology.fanout(2, 2);
  private static final LinkWeights WEIGHTS = LinkWeights.paperDefaults(2);

  @Property(tries = 25)
  void exactSearchShouldEqualBruteForce(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    final SimInstances.Instance instance = SimInstances.random(SMALL, 8, 3, 14, seed);
    final Reference reference = new Reference(SMALL, WEIGHTS, instance.traffic());
    assertEquals(
        bruteForce(instance),
        reference.exact(instance.allocation()).cost(),
        1e-9 * bruteForce(instance) + 1e-9);
  }

  @Property(tries = 15)
  void geneticSearchShouldFindTheOptimumOfADozenVms(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    final SimInstances.Instance instance = SimInstances.random(SMALL, 12, 4, 22, seed);
    final Reference reference = new Reference(SMALL, WEIGHTS, instance.traffic());
    final double optimum = reference.exact(instance.allocation()).cost();
    final double genetic = reference.genetic(instance.allocation(), 12, 20, seed).cost();
    assertEquals(optimum, genetic, 1e-9 * optimum + 1e-9, "seed " + seed);
  }

  @Property(tries = 25)
  void theHeuristicShouldFindTheOptimumOfADozenVms(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    final SimInstances.Instance instance = SimInstances.random(SMALL, 12, 4, 22, seed);
    final Reference reference = new Reference(SMALL, WEIGHTS, instance.traffic());
    final double optimum = reference.exact(instance.allocation()).cost();
    final double heuristic =
        reference.heuristic(instance.allocation(), Reference.Effort.GENETIC, seed).cost();
    assertEquals(optimum, heuristic, 1e-9 * optimum + 1e-9, "seed " + seed);
  }

  @Property(tries = 40)
  void theLowerBoundShouldNeverExceedTheOptimum(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 2, max = 4) int slots,
      @ForAll @IntRange(min = 4, max = 30) int pairs) {
    final int vms = Math.min(4 * slots, 10);
    final SimInstances.Instance instance = SimInstances.random(SMALL, vms, slots, pairs, seed);
    final Reference reference = new Reference(SMALL, WEIGHTS, instance.traffic());
    final double optimum = reference.exact(instance.allocation()).cost();
    final double bound = reference.lowerBound(instance.allocation());
    assertTrue(bound >= 0);
    assertTrue(bound <= optimum * (1 + 1e-12) + 1e-9, bound + " > optimum " + optimum);
  }

  @Property(tries = 10)
  void theReferenceShouldBeTrueToItsCostAndAboveTheBound(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    final Topology topology = Topology.fanout(4, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(3);
    final SimInstances.Instance instance = SimInstances.random(topology, 96, 6, 300, seed);
    final Reference reference = new Reference(topology, weights, instance.traffic());
    final Reference.Result result =
        reference.compute(instance.allocation(), Reference.Effort.GENETIC, seed);
    assertTrue(result.cost() >= reference.lowerBound(instance.allocation()) * (1 - 1e-12));
    assertTrue(
        result.cost()
            < OverallCost.of(instance.traffic(), instance.allocation(), topology, weights));
    assertEquals(
        result.cost(),
        OverallCost.of(instance.traffic(), result.allocation(), topology, weights),
        1e-6 * result.cost());
  }

  /** Every assignment of VMs to hosts within the slots, by plain enumeration. */
  private static double bruteForce(final SimInstances.Instance instance) {
    final int vms = instance.traffic().vms();
    final int hosts = instance.topology().hosts();
    final int[] hostOf = new int[vms];
    double best = Double.MAX_VALUE;
    final long total = (long) Math.pow(hosts, vms);
    for (long code = 0; code < total; code++) {
      long rest = code;
      final int[] load = new int[hosts];
      boolean fits = true;
      for (int vm = 0; vm < vms; vm++) {
        hostOf[vm] = (int) (rest % hosts);
        rest /= hosts;
        fits &= ++load[hostOf[vm]] <= instance.allocation().slotsPerHost();
      }
      if (!fits) {
        continue;
      }
      final long[] memory = new long[vms];
      Arrays.fill(memory, SimInstances.GIB);
      final Allocation allocation =
          new Allocation(
              hosts,
              instance.allocation().slotsPerHost(),
              instance.allocation().memoryPerHostBytes(),
              hostOf,
              memory);
      best =
          Math.min(
              best, OverallCost.of(instance.traffic(), allocation, instance.topology(), WEIGHTS));
    }
    return best;
  }
}
