package score.sim;

import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/**
 * The centralised reference a run is measured against, from global knowledge (S-CORE section IV-A
 * used a genetic algorithm), computed from the traffic and the start alone: the exact optimum when
 * the instance is small enough for exhaustive search; else the best of {@link LocalSearch} from the
 * start and from {@link GroupPacking}'s traffic-aware placement, then the memetic {@link
 * GeneticSearch}. Verified on instances with a planted optimum (ReferenceTest) and bounded from
 * below by {@link LowerBound}. Local search from the policies' results is reported apart ({@link
 * #polished}): it starts from S-CORE's own answer, so it cannot certify it.
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
   * The reference for a run from {@code start}, from the traffic and the start alone (never from
   * what the policies reached): exact when small; else the best of local search from the start and
   * local search from {@link GroupPacking}'s placement, then (GENETIC) a memetic GA seeded with it.
   */
  public Result compute(final Allocation start, final Effort effort, final long seed) {
    if (exactFeasible(traffic.vms(), start.hosts())) {
      return exact(start);
    }
    return heuristic(start, effort, seed);
  }

  /** {@link #compute} without the exact search, at any size. */
  public Result heuristic(final Allocation start, final Effort effort, final long seed) {
    Result best = local(start);
    final Allocation packed = packed(start);
    if (packed != null) {
      final Result fromPacking = local(packed);
      if (fromPacking.cost() < best.cost()) {
        best =
            new Result(fromPacking.allocation(), fromPacking.cost(), "group packing, local search");
      }
    }
    if (effort == Effort.GENETIC) {
      // A small instance affords a larger population, more generations, and a second run from
      // the start itself for diversity.
      final boolean small = traffic.vms() <= 1_000;
      final Result genetic = genetic(best.allocation(), small ? 24 : 6, small ? 40 : 4, seed);
      if (genetic.cost() < best.cost()) {
        best = new Result(genetic.allocation(), genetic.cost(), "genetic after " + best.method());
      }
      if (small) {
        final Result fresh = genetic(start, 24, 40, seed + 1);
        if (fresh.cost() < best.cost()) {
          best = new Result(fresh.allocation(), fresh.cost(), "genetic");
        }
      }
    }
    return best;
  }

  /**
   * Local search from each allocation the policies reached, the cheapest: not a reference (it
   * starts from S-CORE's own answer) but how much a central optimiser could still add to it.
   */
  public Result polished(final Allocation... reached) {
    Result best = null;
    for (final Allocation allocation : reached) {
      final Result polished = local(allocation);
      if (best == null || polished.cost() < best.cost()) {
        best =
            new Result(
                polished.allocation(), polished.cost(), "local search from a policy's result");
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no policy's result to polish");
    }
    return best;
  }

  /**
   * A lower bound on the optimal cost ({@link LowerBound}) for allocations shaped like {@code
   * shape}.
   */
  public double lowerBound(final Allocation shape) {
    return LowerBound.of(traffic, new Subtrees(topology), weights, capacityPerHost(shape));
  }

  /** {@link GroupPacking}'s placement, or null when its VMs do not fit the hosts' memory. */
  Allocation packed(final Allocation shape) {
    final int[] hostOf;
    try {
      hostOf = new GroupPacking(new Subtrees(topology), traffic, capacityPerHost(shape)).pack();
    } catch (final IllegalArgumentException e) {
      return null;
    }
    final long[] memory = new long[traffic.vms()];
    for (int vm = 0; vm < memory.length; vm++) {
      memory[vm] = shape.memoryBytes(vm);
    }
    try {
      return new Allocation(
          shape.hosts(), shape.slotsPerHost(), shape.memoryPerHostBytes(), hostOf, memory);
    } catch (final IllegalArgumentException e) {
      return null;
    }
  }

  /** VMs that fit one host: its slots, and its memory for the largest VM. */
  private static int capacityPerHost(final Allocation shape) {
    long largest = 1;
    for (int vm = 0; vm < shape.vms(); vm++) {
      largest = Math.max(largest, shape.memoryBytes(vm));
    }
    return (int) Math.min(shape.slotsPerHost(), shape.memoryPerHostBytes() / largest);
  }

  private double cost(final Allocation allocation) {
    return OverallCost.of(traffic, allocation, topology, weights);
  }
}
