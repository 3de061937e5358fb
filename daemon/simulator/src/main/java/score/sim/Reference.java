package score.sim;

import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/**
 * The centralised reference a run is measured against, from global knowledge (S-CORE section IV-A
 * used a genetic algorithm). The best of: the exact optimum when the instance is small enough for
 * exhaustive search; the memetic {@link GeneticSearch}; and {@link LocalSearch} applied to every
 * allocation the policies reached, which is how the reference stays at least as good as any policy
 * on every run (a centralised search may start anywhere; starting it from the distributed result
 * makes the comparison one of "how much a global optimiser could still add").
 */
public final class Reference {
  /** How hard to search. */
  public enum Effort {
    /** Local search only: for very large data centres. */
    LOCAL,
    /** Memetic GA plus local search (the default). */
    GENETIC
  }

  /** The reference allocation and how it was found. */
  public record Result(Allocation allocation, double cost, String method) {}

  private final Topology topology;
  private final LinkWeights weights;
  private final TrafficMatrix traffic;

  public Reference(
      final Topology topology, final LinkWeights weights, final TrafficMatrix traffic) {
    this.topology = topology;
    this.weights = weights;
    this.traffic = traffic;
  }

  /** Whether {@link #exact} can solve this instance. */
  public static boolean exactFeasible(final int vms, final int hosts) {
    return ExactSearch.feasible(vms, hosts);
  }

  /** The optimum by exhaustive branch and bound (small instances only). */
  public Result exact(final Allocation start) {
    final Allocation optimum = new ExactSearch(topology, weights, traffic).optimum(start);
    return new Result(optimum, cost(optimum), "exact");
  }

  /** The memetic GA alone, from {@code start}. */
  public Result genetic(
      final Allocation start, final int population, final int generations, final long seed) {
    final LocalSearch local = new LocalSearch(topology, weights, traffic);
    final Allocation found =
        new GeneticSearch(topology, weights, traffic, local)
            .search(start, population, generations, seed);
    // The GA polishes with moves only; swaps, dearer, come once at the end.
    local.improve(found, 50, true);
    return new Result(found, cost(found), "genetic");
  }

  /** Local search with moves and swaps from {@code start}. */
  public Result local(final Allocation start) {
    final Allocation polished = start.copy();
    new LocalSearch(topology, weights, traffic).improve(polished, 50, true);
    return new Result(polished, cost(polished), "local search");
  }

  /**
   * The reference for a run from {@code start} whose policies reached {@code reached}: exact when
   * small; else local search from the start, then (GENETIC) a memetic GA seeded with that; then
   * local search from each allocation a policy reached; the cheapest of all.
   */
  public Result compute(
      final Allocation start, final Effort effort, final long seed, final Allocation... reached) {
    Result best;
    if (exactFeasible(traffic.vms(), start.hosts())) {
      best = exact(start);
    } else {
      best = local(start);
      if (effort == Effort.GENETIC) {
        final Result genetic = genetic(best.allocation(), 6, 4, seed);
        if (genetic.cost() < best.cost()) {
          best = new Result(genetic.allocation(), genetic.cost(), "genetic after local search");
        }
      }
    }
    for (final Allocation allocation : reached) {
      final Result polished = local(allocation);
      if (polished.cost() < best.cost()) {
        best =
            new Result(
                polished.allocation(), polished.cost(), "local search from a policy's result");
      }
    }
    return best;
  }

  private double cost(final Allocation allocation) {
    return OverallCost.of(traffic, allocation, topology, weights);
  }
}
