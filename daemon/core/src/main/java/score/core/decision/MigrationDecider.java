package score.core.decision;

/**
 * S-CORE's decision for the VM u whose turn it is (section II eq. 2, section III-F): find where u's
 * neighbours run, order their hosts by u's communication cost with them (highest first), and move u
 * to the first candidate that has room for it and for which
 *
 * <pre>  2 Σ_z λ(z, u) (Σ_{i ≤ ℓ_now(z,u)} c_i − Σ_{i ≤ ℓ_after(z,u)} c_i) &gt; c_m</pre>
 *
 * holds. Pure logic: where the neighbours are and what room a host has come through {@link
 * VmLocator} and {@link HostRoom}, so the agent (probes) and the simulator (its model) run this
 * same code. One instance per thread: it keeps scratch arrays, so a decision allocates only its
 * result.
 *
 * <p>Cost of u on a host x, without a pass over all neighbours per candidate: with Λ the total λ
 * and Λ_k(x) the λ of neighbours in x's level-k subtree (Λ_0: on x itself), a neighbour at level ℓ
 * from x pays c_i exactly for the levels i ≤ ℓ, that is for the i with the neighbour outside x's
 * level-(i−1) subtree, so C_x(u) = Σ_i c_i (Λ − Λ_{i−1}(x)). The Λ_k are sums per subtree, built
 * once per decision by sorting; a candidate then costs one binary search per level.
 */
public final class MigrationDecider {
  private final NeighbourhoodCost cost;
  private final Topology topology;
  private final LinkWeights weights;

  private int[] candidateHosts = new int[0];
  private double[] candidateCosts = new double[0];

  /** Which candidates a decision weighs, and how it picks one. */
  public enum CandidateRule {
    /**
     * The paper's (section III-F 3): the neighbours' hosts in order, the first with room for which
     * eq. 2 holds.
     */
    PAPER,
    /**
     * The neighbours' hosts in the same order, and for each one without room the first host with
     * room in its rack; of all these, the one with the highest gain that satisfies eq. 2.
     */
    RACK_AWARE
  }

  private final CandidateRule rule;
  private int probes;

  public MigrationDecider(final Topology topology, final LinkWeights weights) {
    this(topology, weights, CandidateRule.RACK_AWARE);
  }

  public MigrationDecider(
      final Topology topology, final LinkWeights weights, final CandidateRule rule) {
    this.rule = rule;
    this.cost = new NeighbourhoodCost(topology, weights);
    this.topology = topology;
    this.weights = weights;
  }

  public CandidateRule rule() {
    return rule;
  }

  public Topology topology() {
    return topology;
  }

  public LinkWeights weights() {
    return weights;
  }

  /**
   * Decides for VM {@code vm} on {@code currentHost}.
   *
   * @param memoryBytes the memory u needs on a destination
   * @param migrationCost c_m of eq. 2
   */
  public Decision decide(
      final int vm,
      final int currentHost,
      final long memoryBytes,
      final NeighbourTraffic traffic,
      final VmLocator locator,
      final HostRoom room,
      final MigrationCost migrationCost) {
    cost.load(traffic, locator);
    final double costBefore = cost.costOn(currentHost);
    final double threshold = migrationCost.forVm(costBefore);
    final int candidates = orderCandidates(currentHost);
    int chosen = Decision.STAY;
    double chosenGain = threshold;
    probes = 0;
    for (int c = 0; c < candidates; c++) {
      final int host = withRoom(candidateHosts[c], currentHost, room, memoryBytes);
      if (host < 0) {
        continue;
      }
      final double gain = 2 * (costBefore - cost.costOn(host));
      if (gain > chosenGain) {
        chosen = host;
        chosenGain = gain;
        if (rule == CandidateRule.PAPER) {
          break;
        }
      }
    }
    if (chosen != Decision.STAY) {
      return new Decision(
          vm,
          currentHost,
          chosen,
          costBefore,
          chosenGain,
          probes,
          entryOn(chosen),
          pairCostEntryOn(chosen));
    }
    return new Decision(
        vm,
        currentHost,
        Decision.STAY,
        costBefore,
        0,
        probes,
        entryOn(currentHost),
        pairCostEntryOn(currentHost));
  }

  /**
   * {@code host} if it has room for u; under {@link CandidateRule#RACK_AWARE}, else the first host
   * with room under the same top-of-rack switch (it saves every link above the rack); else -1.
   * Counts each host asked in {@link #probes}.
   */
  private int withRoom(
      final int host, final int currentHost, final HostRoom room, final long memoryBytes) {
    probes++;
    if (hasRoom(room, host, memoryBytes)) {
      return host;
    }
    if (rule != CandidateRule.RACK_AWARE) {
      return -1;
    }
    final int rack = topology.rackOf(host);
    for (int k = 0; k < topology.rackSize(rack); k++) {
      final int mate = topology.hostInRack(rack, k);
      if (mate != currentHost && mate != host) {
        probes++;
        if (hasRoom(room, mate, memoryBytes)) {
          return mate;
        }
      }
    }
    return -1;
  }

  private static boolean hasRoom(final HostRoom room, final int host, final long memoryBytes) {
    return room.freeSlots(host) >= 1 && room.freeMemoryBytes(host) >= memoryBytes;
  }

  /**
   * The neighbours' hosts other than u's, by u's communication cost with the VMs on each (highest
   * first, ties by lower host id): the paper's probing order (section III-F 3).
   */
  private int orderCandidates(final int currentHost) {
    final int hosts = cost.neighbourHostCount();
    if (candidateHosts.length < hosts) {
      candidateHosts = new int[Math.max(hosts, 2 * candidateHosts.length)];
      candidateCosts = new double[candidateHosts.length];
    }
    int candidates = 0;
    for (int k = 0; k < hosts; k++) {
      final int host = cost.neighbourHost(k);
      if (host == currentHost) {
        continue;
      }
      candidateHosts[candidates] = host;
      candidateCosts[candidates] =
          cost.rateOnNeighbourHost(k) * weights.pathCost(topology.level(currentHost, host));
      candidates++;
    }
    heapSortByCostDescending(candidates);
    return candidates;
  }

  /** Orders the candidates by (cost descending, host ascending) in place, in O(n log n). */
  private void heapSortByCostDescending(final int n) {
    for (int root = n / 2 - 1; root >= 0; root--) {
      siftDown(root, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(0, end);
      siftDown(0, end);
    }
  }

  /** Max-heap on "comes later": the root is the candidate to probe last. */
  private void siftDown(final int start, final int n) {
    int root = start;
    while (true) {
      int later = root;
      final int left = 2 * root + 1;
      final int right = left + 1;
      if (left < n && comesLater(left, later)) {
        later = left;
      }
      if (right < n && comesLater(right, later)) {
        later = right;
      }
      if (later == root) {
        return;
      }
      swap(root, later);
      root = later;
    }
  }

  private boolean comesLater(final int a, final int b) {
    return candidateCosts[a] < candidateCosts[b]
        || (candidateCosts[a] == candidateCosts[b] && candidateHosts[a] > candidateHosts[b]);
  }

  private void swap(final int a, final int b) {
    final int host = candidateHosts[a];
    candidateHosts[a] = candidateHosts[b];
    candidateHosts[b] = host;
    final double cost = candidateCosts[a];
    candidateCosts[a] = candidateCosts[b];
    candidateCosts[b] = cost;
  }

  /** The token entry of u on {@code host}: its highest level with traffic, and its load. */
  private byte entryOn(final int host) {
    return TokenEntry.pack(cost.highestLevelFrom(host), cost.load());
  }

  /** The global policy's entry of u on {@code host}: its highest pairwise cost from there. */
  private byte pairCostEntryOn(final int host) {
    return TokenEntry.packPairCost(cost.highestPairCostFrom(host));
  }
}
