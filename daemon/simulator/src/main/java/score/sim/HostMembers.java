package score.sim;

/** The VMs on each host, kept in step with an allocation by its user (for swaps). */
final class HostMembers {
  private final int[][] members;
  private final int[] counts;
  private final int[] indexOfVm;

  HostMembers(final Allocation allocation) {
    final int hosts = allocation.hosts();
    members = new int[hosts][];
    counts = new int[hosts];
    indexOfVm = new int[allocation.vms()];
    for (int host = 0; host < hosts; host++) {
      members[host] = new int[Math.max(1, allocation.vmsOn(host))];
    }
    for (int vm = 0; vm < allocation.vms(); vm++) {
      add(vm, allocation.hostOf(vm));
    }
  }

  int count(final int host) {
    return counts[host];
  }

  int vm(final int host, final int k) {
    return members[host][k];
  }

  void moved(final int vm, final int from, final int to) {
    final int k = indexOfVm[vm];
    final int last = members[from][--counts[from]];
    members[from][k] = last;
    indexOfVm[last] = k;
    add(vm, to);
  }

  private void add(final int vm, final int host) {
    if (counts[host] == members[host].length) {
      members[host] = java.util.Arrays.copyOf(members[host], members[host].length * 2);
    }
    indexOfVm[vm] = counts[host];
    members[host][counts[host]++] = vm;
  }
}
