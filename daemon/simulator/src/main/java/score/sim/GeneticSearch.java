package score.sim;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/**
 * The paper's reference, a genetic algorithm over whole allocations (S-CORE section IV-A), made
 * memetic: every child is polished by {@link LocalSearch}, which a plain GA on tens of thousands of
 * VMs needs to get anywhere near the optimum in a few generations.
 *
 * <p>Individuals are allocations. Crossover copies parent A and then moves each VM of a random half
 * of the racks to where parent B runs it, when that host still has room (so children never overfill
 * a host); mutation moves a few VMs next to a random neighbour. Elitist: the best two survive.
 */
final class GeneticSearch {
  private final Topology topology;
  private final LinkWeights weights;
  private final TrafficMatrix traffic;
  private final LocalSearch localSearch;

  GeneticSearch(
      final Topology topology,
      final LinkWeights weights,
      final TrafficMatrix traffic,
      final LocalSearch localSearch) {
    this.topology = topology;
    this.weights = weights;
    this.traffic = traffic;
    this.localSearch = localSearch;
  }

  private record Individual(Allocation allocation, double cost) {}

  Allocation search(
      final Allocation start, final int populationSize, final int generations, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed);
    Individual[] population = new Individual[populationSize];
    population[0] = polish(start.copy());
    for (int i = 1; i < populationSize; i++) {
      final Allocation mutant = start.copy();
      mutate(mutant, random, Math.max(1, traffic.vms() / 10));
      population[i] = polish(mutant);
    }
    sort(population);
    for (int generation = 0; generation < generations; generation++) {
      final Individual[] next = new Individual[populationSize];
      next[0] = population[0];
      if (populationSize > 1) {
        next[1] = population[1];
      }
      for (int i = 2; i < populationSize; i++) {
        final Individual a = tournament(population, random);
        final Individual b = tournament(population, random);
        final Allocation child = crossover(a.allocation(), b.allocation(), random);
        mutate(child, random, Math.max(2, traffic.vms() / 50));
        next[i] = polish(child);
      }
      population = next;
      sort(population);
    }
    return population[0].allocation();
  }

  /** Up to this many VMs children are polished with swaps too; beyond, moves only (cost). */
  private static final int SWAP_POLISH_MAX_VMS = 5_000;

  private Individual polish(final Allocation allocation) {
    localSearch.improve(allocation, 5, traffic.vms() <= SWAP_POLISH_MAX_VMS);
    return new Individual(allocation, OverallCost.of(traffic, allocation, topology, weights));
  }

  private static void sort(final Individual[] population) {
    Arrays.sort(population, Comparator.comparingDouble(Individual::cost));
  }

  private static Individual tournament(
      final Individual[] population, final SplittableRandom random) {
    final Individual a = population[random.nextInt(population.length)];
    final Individual b = population[random.nextInt(population.length)];
    return a.cost() <= b.cost() ? a : b;
  }

  private Allocation crossover(
      final Allocation a, final Allocation b, final SplittableRandom random) {
    final Allocation child = a.copy();
    final long rackSeed = random.nextLong();
    for (int vm = 0; vm < traffic.vms(); vm++) {
      final int target = b.hostOf(vm);
      final int rack = topology.rackOf(target);
      if (((Long.hashCode(rackSeed ^ rack * 0x9E3779B97F4A7C15L)) & 1) == 0
          && child.hostOf(vm) != target
          && child.fits(vm, target)) {
        child.move(vm, target);
      }
    }
    return child;
  }

  /**
   * Half the steps move a VM next to a random neighbour, half exchange two random VMs (which is how
   * a full data centre changes at all).
   */
  private void mutate(final Allocation allocation, final SplittableRandom random, final int moves) {
    for (int m = 0; m < moves; m++) {
      final int vm = random.nextInt(traffic.vms());
      if (random.nextBoolean()) {
        final int other = random.nextInt(traffic.vms());
        if (allocation.hostOf(other) != allocation.hostOf(vm) && allocation.swapFits(vm, other)) {
          allocation.swap(vm, other);
        }
        continue;
      }
      final int degree = traffic.degree(vm);
      if (degree == 0) {
        continue;
      }
      final int peer = traffic.neighbour(traffic.rowStart(vm) + random.nextInt(degree));
      final int host = allocation.hostOf(peer);
      if (allocation.fits(vm, host)) {
        allocation.move(vm, host);
      }
    }
  }
}
