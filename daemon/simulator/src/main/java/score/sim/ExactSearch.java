package score.sim;

import java.util.Arrays;
import score.core.decision.CommunicationCost;
import score.core.decision.LinkWeights;
import score.core.decision.Topology;

/**
 * The optimal allocation of a small instance by exhaustive branch and bound: VMs are placed one at
 * a time (most-connected first) on every host with room, and a branch is cut as soon as the cost of
 * the pairs already placed reaches the best complete allocation found. Exact, and exponential: for
 * a dozen VMs on a few hosts.
 */
final class ExactSearch {
  /** Instances with more leaves than this are refused (hosts^VMs before pruning). */
  static final double MAX_LEAVES = 1e8;

  private final Topology topology;
  private final LinkWeights weights;
  private final CommunicationCost cost;
  private final TrafficMatrix traffic;

  private int[] order;
  private int[] positionOf;
  private int[] assigned;
  private int[] bestAssignment;
  private double bestCost;
  private Allocation working;

  ExactSearch(final Topology topology, final LinkWeights weights, final TrafficMatrix traffic) {
    this.topology = topology;
    this.weights = weights;
    this.cost = new CommunicationCost(topology, weights);
    this.traffic = traffic;
  }

  static boolean feasible(final int vms, final int hosts) {
    return vms * Math.log(hosts) <= Math.log(MAX_LEAVES);
  }

  /** The optimal allocation with the capacities of {@code start}. */
  Allocation optimum(final Allocation start) {
    final int vms = traffic.vms();
    if (!feasible(vms, start.hosts())) {
      throw new IllegalArgumentException(
          "too large for exhaustive search: " + vms + " VMs on " + start.hosts() + " hosts");
    }
    order = new int[vms];
    final Integer[] boxed = new Integer[vms];
    for (int vm = 0; vm < vms; vm++) {
      boxed[vm] = vm;
    }
    Arrays.sort(boxed, (a, b) -> Integer.compare(traffic.degree(b), traffic.degree(a)));
    positionOf = new int[vms];
    for (int i = 0; i < vms; i++) {
      order[i] = boxed[i];
      positionOf[order[i]] = i;
    }
    // Start from the given allocation: its cost is the first bound.
    bestAssignment = start.hostsOfVms();
    bestCost = OverallCost.of(traffic, start, topology, weights);
    assigned = new int[vms];
    Arrays.fill(assigned, -1);
    working = emptyLike(start);
    place(0, 0);
    return new Allocation(
        start.hosts(),
        start.slotsPerHost(),
        start.memoryPerHostBytes(),
        bestAssignment,
        memories(start));
  }

  private void place(final int depth, final double partial) {
    if (partial >= bestCost * (1 - 1e-12)) {
      return;
    }
    if (depth == order.length) {
      bestCost = partial;
      bestAssignment = assigned.clone();
      return;
    }
    final int vm = order[depth];
    for (int host = 0; host < working.hosts(); host++) {
      if (working.freeSlots(host) < 1 || working.freeMemoryBytes(host) < working.memoryBytes(vm)) {
        continue;
      }
      // Pairs with VMs placed earlier, counted twice as eq. 1 does.
      double added = 0;
      for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
        final int peer = traffic.neighbour(e);
        if (positionOf[peer] < depth) {
          added += 2 * cost.pair(traffic.bytesPerSecond(e), host, assigned[peer]);
        }
      }
      assigned[vm] = host;
      working.place(vm, host);
      place(depth + 1, partial + added);
      working.unplace(vm, host);
      assigned[vm] = -1;
    }
  }

  private static long[] memories(final Allocation allocation) {
    final long[] memory = new long[allocation.vms()];
    for (int vm = 0; vm < memory.length; vm++) {
      memory[vm] = allocation.memoryBytes(vm);
    }
    return memory;
  }

  private static Allocation emptyLike(final Allocation start) {
    return Allocation.empty(
        start.hosts(), start.slotsPerHost(), start.memoryPerHostBytes(), memories(start));
  }
}
