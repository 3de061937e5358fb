package score.core.decision;

import java.util.Arrays;

/**
 * The communication cost of one VM u on any host, once its neighbours are located: C_x(u) = Σ_z
 * λ(z, u) (c_1 + … + c_ℓ(x, host(z))) (S-CORE eq. 1 restricted to u).
 *
 * <p>Without a pass over all neighbours per host: with Λ the total λ and Λ_k(x) the λ of neighbours
 * in x's level-k subtree (Λ_0: on x itself), a neighbour at level ℓ from x pays c_i exactly for the
 * levels i ≤ ℓ, that is for the i where it lies outside x's level-(i−1) subtree, so C_x(u) = Σ_i
 * c_i (Λ − Λ_{i−1}(x)). {@link #load} builds the Λ_k by sorting, once per VM; {@link #costOn} then
 * costs one binary search per level. Shared by the decision engine and the simulator's reference
 * search; keeps scratch arrays, so one instance per thread.
 */
public final class NeighbourhoodCost {
  private final Topology topology;
  private final double[] linkWeights;
  private final int levels;

  /** c_1 + … + c_ℓ for each level ℓ (0 for two VMs on one host). */
  private final double[] pathCost;

  private int[] neighbourHosts = new int[0];
  private double[] neighbourRates = new double[0];
  private long[] sortScratch = new long[0];
  private int neighbourCount;
  private double knownRate;
  private double load;

  /** Per level k < levels: the distinct level-k subtrees of u's neighbours, ascending, and Λ_k. */
  private final int[][] subtreeIds;

  private final double[][] subtreeRates;
  private final int[] subtreeCounts;

  public NeighbourhoodCost(final Topology topology, final LinkWeights weights) {
    if (weights.levels() < topology.maxLevel()) {
      throw new IllegalArgumentException(
          "the topology has "
              + topology.maxLevel()
              + " link levels but only "
              + weights.levels()
              + " link weights were given");
    }
    this.topology = topology;
    this.linkWeights = weights.weights();
    this.levels = topology.maxLevel();
    this.pathCost = new double[levels + 1];
    for (int level = 1; level <= levels; level++) {
      pathCost[level] = pathCost[level - 1] + linkWeights[level - 1];
    }
    this.subtreeIds = new int[levels][0];
    this.subtreeRates = new double[levels][0];
    this.subtreeCounts = new int[levels];
  }

  public Topology topology() {
    return topology;
  }

  /**
   * Locates u's neighbours and builds the subtree sums. Neighbours the locator cannot place are
   * left out of every cost (they still count in {@link #load()}).
   */
  public void load(final NeighbourTraffic traffic, final VmLocator locator) {
    final int count = traffic.count();
    if (neighbourHosts.length < count) {
      final int size = Math.max(count, neighbourHosts.length * 2);
      neighbourHosts = new int[size];
      neighbourRates = new double[size];
      sortScratch = new long[size];
      for (int level = 0; level < levels; level++) {
        subtreeIds[level] = new int[size];
        subtreeRates[level] = new double[size];
      }
    }
    load = 0;
    knownRate = 0;
    for (int i = 0; i < count; i++) {
      final double rate = traffic.bytesPerSecond(i);
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException(
            "λ to neighbour " + traffic.vm(i) + " is not a rate: " + rate);
      }
      final int host = locator.hostOf(traffic.vm(i));
      neighbourRates[i] = rate;
      neighbourHosts[i] = host;
      load += rate;
      if (host != VmLocator.UNKNOWN) {
        knownRate += rate;
      }
    }
    neighbourCount = count;
    for (int level = 0; level < levels; level++) {
      buildSubtreeSums(level);
    }
  }

  private void buildSubtreeSums(final int level) {
    int keyed = 0;
    for (int i = 0; i < neighbourCount; i++) {
      if (neighbourHosts[i] != VmLocator.UNKNOWN) {
        sortScratch[keyed++] = (long) topology.ancestor(level, neighbourHosts[i]) << 32 | i;
      }
    }
    Arrays.sort(sortScratch, 0, keyed);
    final int[] ids = subtreeIds[level];
    final double[] rates = subtreeRates[level];
    int distinct = 0;
    for (int k = 0; k < keyed; k++) {
      final int id = (int) (sortScratch[k] >>> 32);
      final double rate = neighbourRates[(int) sortScratch[k]];
      if (distinct > 0 && ids[distinct - 1] == id) {
        rates[distinct - 1] += rate;
      } else {
        ids[distinct] = id;
        rates[distinct] = rate;
        distinct++;
      }
    }
    subtreeCounts[level] = distinct;
  }

  /**
   * u's highest cost with one located neighbour with u on {@code host}: max_z λ(z, u)·(c_1 + … +
   * c_ℓ(host, host(z))), the pairwise cost the global policy orders by. One pass over the
   * neighbours.
   */
  public double highestPairCostFrom(final int host) {
    double highest = 0;
    for (int i = 0; i < neighbourCount; i++) {
      final int there = neighbourHosts[i];
      if (there != VmLocator.UNKNOWN) {
        highest = Math.max(highest, neighbourRates[i] * pathCost[topology.level(host, there)]);
      }
    }
    return highest;
  }

  /** Σ λ(z, u) over all neighbours, located or not. */
  public double load() {
    return load;
  }

  /** C_x(u) with u on {@code host}. */
  public double costOn(final int host) {
    double cost = 0;
    for (int level = 1; level <= levels; level++) {
      cost += linkWeights[level - 1] * (knownRate - rateInSubtree(level - 1, host));
    }
    return cost;
  }

  /** λ between u and the neighbours in {@code host}'s subtree at {@code level}. */
  public double rateInSubtree(final int level, final int host) {
    final int subtree = topology.ancestor(level, host);
    final int found = Arrays.binarySearch(subtreeIds[level], 0, subtreeCounts[level], subtree);
    return found >= 0 ? subtreeRates[level][found] : 0;
  }

  /** How many distinct hosts u's located neighbours run on. */
  public int neighbourHostCount() {
    return subtreeCounts[0];
  }

  /** The {@code k}-th of those hosts, ascending. */
  public int neighbourHost(final int k) {
    return subtreeIds[0][k];
  }

  /** λ between u and the neighbours on {@link #neighbourHost}(k). */
  public double rateOnNeighbourHost(final int k) {
    return subtreeRates[0][k];
  }

  /** The highest level at which u, placed on {@code host}, talks to a neighbour with traffic. */
  public int highestLevelFrom(final int host) {
    int level = 0;
    for (int i = 0; i < neighbourCount; i++) {
      if (neighbourHosts[i] != VmLocator.UNKNOWN && neighbourRates[i] > 0) {
        level = Math.max(level, topology.level(host, neighbourHosts[i]));
      }
    }
    return level;
  }
}
