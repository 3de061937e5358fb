package score.sim;

import score.core.decision.CommunicationCost;
import score.core.decision.LinkWeights;
import score.core.decision.NeighbourhoodCost;
import score.core.decision.Topology;

/**
 * Centralised improvement from global knowledge, part of the reference: visits every VM and makes
 * the best of (a) a move to any host with room among its neighbours' hosts and one free host in
 * each of their racks, and (b) a swap with a VM on one of its neighbours' most attractive hosts,
 * which reaches allocations that single moves into full hosts cannot. Repeats until a pass changes
 * nothing. Every step lowers eq. 1, so it ends, and never worsens what it is given.
 */
final class LocalSearch {
  private static final int SWAP_HOSTS = 3;

  private final Topology topology;
  private final CommunicationCost cost;
  private final TrafficMatrix traffic;
  private final NeighbourhoodCost costU;
  private final OverallCost.Row rowU;
  private final int[][] hostsOfRack;
  private final int[] bestHosts = new int[SWAP_HOSTS];
  private final double[] bestCosts = new double[SWAP_HOSTS];

  LocalSearch(final Topology topology, final LinkWeights weights, final TrafficMatrix traffic) {
    this.topology = topology;
    this.cost = new CommunicationCost(topology, weights);
    this.traffic = traffic;
    this.costU = new NeighbourhoodCost(topology, weights);
    this.rowU = new OverallCost.Row(traffic);
    int racks = 0;
    for (int host = 0; host < topology.hosts(); host++) {
      racks = Math.max(racks, topology.rackOf(host) + 1);
    }
    final int[] sizes = new int[racks];
    for (int host = 0; host < topology.hosts(); host++) {
      sizes[topology.rackOf(host)]++;
    }
    hostsOfRack = new int[racks][];
    for (int rack = 0; rack < racks; rack++) {
      hostsOfRack[rack] = new int[sizes[rack]];
      sizes[rack] = 0;
    }
    for (int host = 0; host < topology.hosts(); host++) {
      final int rack = topology.rackOf(host);
      hostsOfRack[rack][sizes[rack]++] = host;
    }
  }

  /**
   * Improves {@code allocation} in place; at most {@code maxPasses} passes. The first pass visits
   * every VM; later ones only the VMs next to a change ("don't look" bits): a VM whose neighbours
   * and own host stayed put has nothing new to gain, save from room freed elsewhere, which the VMs
   * of the host that lost a VM are also woken for.
   */
  void improve(final Allocation allocation, final int maxPasses, final boolean withSwaps) {
    final HostMembers members = new HostMembers(allocation);
    boolean[] look = new boolean[traffic.vms()];
    java.util.Arrays.fill(look, true);
    for (int pass = 0; pass < maxPasses; pass++) {
      final boolean[] next = new boolean[traffic.vms()];
      int changes = 0;
      for (int vm = 0; vm < traffic.vms(); vm++) {
        if (!look[vm] || traffic.degree(vm) == 0) {
          continue;
        }
        final int from = allocation.hostOf(vm);
        final int partner = improveVm(vm, allocation, members, withSwaps);
        if (partner != NO_CHANGE) {
          changes++;
          wake(next, vm, from, members);
          if (partner >= 0) {
            wake(next, partner, allocation.hostOf(vm), members);
          }
        }
      }
      if (changes == 0) {
        return;
      }
      look = next;
    }
  }

  private static final int NO_CHANGE = -2;
  private static final int MOVED = -1;

  /** Marks {@code vm}, its neighbours and the VMs of the host it left for the next pass. */
  private void wake(
      final boolean[] next, final int vm, final int leftHost, final HostMembers members) {
    next[vm] = true;
    for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
      next[traffic.neighbour(e)] = true;
    }
    for (int k = 0; k < members.count(leftHost); k++) {
      for (int e = traffic.rowStart(members.vm(leftHost, k));
          e < traffic.rowStart(members.vm(leftHost, k) + 1);
          e++) {
        next[traffic.neighbour(e)] = true;
      }
    }
  }

  /** Returns {@link #NO_CHANGE}, {@link #MOVED}, or the VM {@code u} swapped with. */
  private int improveVm(
      final int u,
      final Allocation allocation,
      final HostMembers members,
      final boolean withSwaps) {
    costU.load(rowU.of(u), allocation);
    final int home = allocation.hostOf(u);
    final double now = costU.costOn(home);
    // A change must save at least this much, so rounding never makes it cycle.
    final double epsilon = 1e-9 * Math.max(1, now);
    int bestMove = -1;
    double bestMoveCost = now - epsilon;
    java.util.Arrays.fill(bestHosts, -1);
    java.util.Arrays.fill(bestCosts, Double.MAX_VALUE);
    for (int k = 0; k < costU.neighbourHostCount(); k++) {
      final int host = costU.neighbourHost(k);
      if (host == home) {
        continue;
      }
      final double cost = costU.costOn(host);
      if (allocation.fits(u, host)) {
        if (cost < bestMoveCost) {
          bestMoveCost = cost;
          bestMove = host;
        }
      } else {
        rememberForSwap(host, cost);
      }
      // One host with room in the neighbour's rack: same level-1 cost to everyone there but the
      // neighbours on that very host.
      for (final int rackMate : hostsOfRack[topology.rackOf(host)]) {
        if (rackMate != home && allocation.fits(u, rackMate)) {
          final double rackCost = costU.costOn(rackMate);
          if (rackCost < bestMoveCost) {
            bestMoveCost = rackCost;
            bestMove = rackMate;
          }
          break;
        }
      }
    }
    if (bestMove >= 0) {
      allocation.move(u, bestMove);
      members.moved(u, home, bestMove);
      return MOVED;
    }
    return withSwaps ? trySwap(u, home, now, epsilon, allocation, members) : NO_CHANGE;
  }

  private void rememberForSwap(final int host, final double cost) {
    for (int i = 0; i < SWAP_HOSTS; i++) {
      if (cost < bestCosts[i]) {
        for (int j = SWAP_HOSTS - 1; j > i; j--) {
          bestCosts[j] = bestCosts[j - 1];
          bestHosts[j] = bestHosts[j - 1];
        }
        bestCosts[i] = cost;
        bestHosts[i] = host;
        return;
      }
    }
  }

  private int trySwap(
      final int u,
      final int home,
      final double now,
      final double epsilon,
      final Allocation allocation,
      final HostMembers members) {
    double bestDelta = -epsilon;
    int bestPartner = -1;
    for (int i = 0; i < SWAP_HOSTS && bestHosts[i] >= 0; i++) {
      final int host = bestHosts[i];
      final double deltaU = 2 * (bestCosts[i] - now);
      if (deltaU >= 0) {
        break;
      }
      final double pairCost = cost.pair(1, home, host);
      for (int k = 0; k < members.count(host); k++) {
        final int w = members.vm(host, k);
        if (!allocation.swapFits(u, w)) {
          continue;
        }
        final double deltaW = 2 * moveDelta(w, host, home, allocation);
        final double delta = deltaU + deltaW + 4 * rate(u, w) * pairCost;
        if (delta < bestDelta) {
          bestDelta = delta;
          bestPartner = w;
        }
      }
    }
    if (bestPartner < 0) {
      return NO_CHANGE;
    }
    final int partnerHost = allocation.hostOf(bestPartner);
    allocation.swap(u, bestPartner);
    members.moved(u, home, partnerHost);
    members.moved(bestPartner, partnerHost, home);
    return bestPartner;
  }

  /**
   * How {@code vm}'s cost changes if it moves from {@code from} to {@code to}, with everyone else
   * in place: one pass over its row (cheaper than sorting it for a single host pair).
   */
  private double moveDelta(
      final int vm, final int from, final int to, final Allocation allocation) {
    double delta = 0;
    for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
      final int peerHost = allocation.hostOf(traffic.neighbour(e));
      if (topology.level(from, peerHost) != topology.level(to, peerHost)) {
        final double rate = traffic.bytesPerSecond(e);
        delta += cost.pair(rate, to, peerHost) - cost.pair(rate, from, peerHost);
      }
    }
    return delta;
  }

  private double rate(final int u, final int w) {
    for (int e = traffic.rowStart(u); e < traffic.rowStart(u + 1); e++) {
      if (traffic.neighbour(e) == w) {
        return traffic.bytesPerSecond(e);
      }
    }
    return 0;
  }
}
