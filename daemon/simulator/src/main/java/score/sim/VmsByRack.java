package score.sim;

import java.util.SplittableRandom;
import score.core.decision.Topology;

/** The VMs of each rack under one allocation, and the racks of each aggregation group. */
final class VmsByRack {
  private final int[] rackOfVm;
  private final int[] rackStart;
  private final int[] vmsInRackOrder;
  private final int[] groupOfRack;
  private final int[] groupStart;
  private final int[] racksInGroupOrder;

  VmsByRack(final Topology topology, final Allocation allocation) {
    int racks = 0;
    for (int host = 0; host < topology.hosts(); host++) {
      racks = Math.max(racks, topology.rackOf(host) + 1);
    }
    rackOfVm = new int[allocation.vms()];
    rackStart = new int[racks + 1];
    for (int vm = 0; vm < allocation.vms(); vm++) {
      rackOfVm[vm] = topology.rackOf(allocation.hostOf(vm));
      rackStart[rackOfVm[vm] + 1]++;
    }
    for (int r = 0; r < racks; r++) {
      rackStart[r + 1] += rackStart[r];
    }
    vmsInRackOrder = new int[allocation.vms()];
    final int[] fill = java.util.Arrays.copyOf(rackStart, racks);
    for (int vm = 0; vm < allocation.vms(); vm++) {
      vmsInRackOrder[fill[rackOfVm[vm]]++] = vm;
    }
    // Aggregation group of a rack: the level-2 subtree of any of its hosts.
    groupOfRack = new int[racks];
    int groups = 0;
    for (int host = 0; host < topology.hosts(); host++) {
      groupOfRack[topology.rackOf(host)] =
          topology.ancestor(Math.min(2, topology.maxLevel()), host);
    }
    for (int r = 0; r < racks; r++) {
      groups = Math.max(groups, groupOfRack[r] + 1);
    }
    groupStart = new int[groups + 1];
    for (int r = 0; r < racks; r++) {
      groupStart[groupOfRack[r] + 1]++;
    }
    for (int g = 0; g < groups; g++) {
      groupStart[g + 1] += groupStart[g];
    }
    racksInGroupOrder = new int[racks];
    final int[] groupFill = java.util.Arrays.copyOf(groupStart, groups);
    for (int r = 0; r < racks; r++) {
      racksInGroupOrder[groupFill[groupOfRack[r]]++] = r;
    }
  }

  int racks() {
    return rackStart.length - 1;
  }

  int rackOfVm(final int vm) {
    return rackOfVm[vm];
  }

  int size(final int rack) {
    return rackStart[rack + 1] - rackStart[rack];
  }

  int vm(final int rack, final int k) {
    return vmsInRackOrder[rackStart[rack] + k];
  }

  int randomRackInGroupOf(final SplittableRandom random, final int rack) {
    final int group = groupOfRack[rack];
    final int size = groupStart[group + 1] - groupStart[group];
    return racksInGroupOrder[groupStart[group] + random.nextInt(size)];
  }
}
