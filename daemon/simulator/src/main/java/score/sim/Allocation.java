package score.sim;

import java.util.Arrays;
import score.core.decision.HostRoom;
import score.core.decision.VmLocator;
import score.core.port.CapacityProbes;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;

/**
 * Which host runs each VM, with every host's slots and memory: the simulator's side of the core's
 * location and capacity ports, answered at once from the model (the agent answers over the
 * network). Moves keep the per-host counts in step and refuse to overfill.
 */
public final class Allocation implements VmLocator, HostRoom, LocationProbes, CapacityProbes {
  private final int[] hostOf;
  private final long[] vmMemoryBytes;
  private final int[] vmsOnHost;
  private final long[] memoryUsedBytes;
  private final int slotsPerHost;
  private final long memoryPerHostBytes;

  /**
   * @param hostOf each VM's host (copied)
   * @throws IllegalArgumentException naming the first host that is overfilled
   */
  public Allocation(
      final int hosts,
      final int slotsPerHost,
      final long memoryPerHostBytes,
      final int[] hostOf,
      final long[] vmMemoryBytes) {
    if (hostOf.length != vmMemoryBytes.length) {
      throw new IllegalArgumentException("one memory size per VM is needed");
    }
    this.hostOf = hostOf.clone();
    this.vmMemoryBytes = vmMemoryBytes.clone();
    this.vmsOnHost = new int[hosts];
    this.memoryUsedBytes = new long[hosts];
    this.slotsPerHost = slotsPerHost;
    this.memoryPerHostBytes = memoryPerHostBytes;
    for (int vm = 0; vm < hostOf.length; vm++) {
      final int host = hostOf[vm];
      if (host < 0 || host >= hosts) {
        throw new IllegalArgumentException(
            "VM " + vm + " is on host " + host + ", not in [0, " + hosts + ")");
      }
      vmsOnHost[host]++;
      memoryUsedBytes[host] += vmMemoryBytes[vm];
    }
    for (int host = 0; host < hosts; host++) {
      if (vmsOnHost[host] > slotsPerHost || memoryUsedBytes[host] > memoryPerHostBytes) {
        throw new IllegalArgumentException(
            "host "
                + host
                + " is overfilled: "
                + vmsOnHost[host]
                + " VMs in "
                + slotsPerHost
                + " slots, "
                + memoryUsedBytes[host]
                + " of "
                + memoryPerHostBytes
                + " bytes of memory");
      }
    }
  }

  /**
   * {@code vmsPerHost} VMs of {@code vmMemoryBytes} on every host, filled in host (rack) order: VM
   * i on host i / vmsPerHost; each host has {@code slots} slots and as many times the VM memory.
   */
  public static Allocation filled(
      final int hosts, final int vmsPerHost, final int slots, final long vmMemoryBytes) {
    final int[] hostOf = new int[hosts * vmsPerHost];
    for (int vm = 0; vm < hostOf.length; vm++) {
      hostOf[vm] = vm / vmsPerHost;
    }
    final long[] memory = new long[hostOf.length];
    java.util.Arrays.fill(memory, vmMemoryBytes);
    return new Allocation(hosts, slots, slots * vmMemoryBytes, hostOf, memory);
  }

  /** An allocation with no VM placed yet (hosts of unplaced VMs are -1), for exhaustive search. */
  static Allocation empty(
      final int hosts,
      final int slotsPerHost,
      final long memoryPerHostBytes,
      final long[] vmMemoryBytes) {
    final int[] nowhere = new int[vmMemoryBytes.length];
    final Allocation allocation =
        new Allocation(hosts, slotsPerHost, memoryPerHostBytes, new int[0], new long[0]);
    return new Allocation(allocation, nowhere, vmMemoryBytes);
  }

  private Allocation(final Allocation shape, final int[] nowhere, final long[] vmMemoryBytes) {
    this.hostOf = nowhere;
    java.util.Arrays.fill(hostOf, -1);
    this.vmMemoryBytes = vmMemoryBytes.clone();
    this.vmsOnHost = new int[shape.hosts()];
    this.memoryUsedBytes = new long[shape.hosts()];
    this.slotsPerHost = shape.slotsPerHost;
    this.memoryPerHostBytes = shape.memoryPerHostBytes;
  }

  /** Places an unplaced VM (exhaustive search only; no room check beyond the caller's). */
  void place(final int vm, final int host) {
    hostOf[vm] = host;
    vmsOnHost[host]++;
    memoryUsedBytes[host] += vmMemoryBytes[vm];
  }

  void unplace(final int vm, final int host) {
    hostOf[vm] = -1;
    vmsOnHost[host]--;
    memoryUsedBytes[host] -= vmMemoryBytes[vm];
  }

  public Allocation copy() {
    return new Allocation(
        vmsOnHost.length, slotsPerHost, memoryPerHostBytes, hostOf, vmMemoryBytes);
  }

  public int vms() {
    return hostOf.length;
  }

  public int hosts() {
    return vmsOnHost.length;
  }

  public int slotsPerHost() {
    return slotsPerHost;
  }

  public long memoryPerHostBytes() {
    return memoryPerHostBytes;
  }

  @Override
  public int hostOf(final int vm) {
    return hostOf[vm];
  }

  public long memoryBytes(final int vm) {
    return vmMemoryBytes[vm];
  }

  public int vmsOn(final int host) {
    return vmsOnHost[host];
  }

  @Override
  public int freeSlots(final int host) {
    return slotsPerHost - vmsOnHost[host];
  }

  @Override
  public long freeMemoryBytes(final int host) {
    return memoryPerHostBytes - memoryUsedBytes[host];
  }

  /** Whether {@code vm} fits on {@code host} as it is now (a VM always fits where it is). */
  public boolean fits(final int vm, final int host) {
    return hostOf[vm] == host
        || (freeSlots(host) >= 1 && freeMemoryBytes(host) >= vmMemoryBytes[vm]);
  }

  /** Moves {@code vm} to {@code host}; refuses a move that would overfill it. */
  public void move(final int vm, final int host) {
    if (!fits(vm, host)) {
      throw new IllegalStateException("host " + host + " has no room for VM " + vm);
    }
    final int from = hostOf[vm];
    vmsOnHost[from]--;
    memoryUsedBytes[from] -= vmMemoryBytes[vm];
    vmsOnHost[host]++;
    memoryUsedBytes[host] += vmMemoryBytes[vm];
    hostOf[vm] = host;
  }

  /** Exchanges the hosts of two VMs; refuses if either side's memory would overflow. */
  public void swap(final int a, final int b) {
    final int hostA = hostOf[a];
    final int hostB = hostOf[b];
    final long delta = vmMemoryBytes[a] - vmMemoryBytes[b];
    if (memoryUsedBytes[hostB] + delta > memoryPerHostBytes
        || memoryUsedBytes[hostA] - delta > memoryPerHostBytes) {
      throw new IllegalStateException("swapping VMs " + a + " and " + b + " overfills a host");
    }
    memoryUsedBytes[hostA] -= delta;
    memoryUsedBytes[hostB] += delta;
    hostOf[a] = hostB;
    hostOf[b] = hostA;
  }

  /** Whether exchanging {@code a} and {@code b} keeps both hosts within memory. */
  public boolean swapFits(final int a, final int b) {
    final long delta = vmMemoryBytes[a] - vmMemoryBytes[b];
    return memoryUsedBytes[hostOf[b]] + delta <= memoryPerHostBytes
        && memoryUsedBytes[hostOf[a]] - delta <= memoryPerHostBytes;
  }

  public int[] hostsOfVms() {
    return hostOf.clone();
  }

  @Override
  public boolean equals(final Object other) {
    return other instanceof Allocation that && Arrays.equals(hostOf, that.hostOf);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hostOf);
  }

  /** A location probe, answered at once from the model. */
  @Override
  public void locate(final long requestId, final int vmId, final ProbeAnswers answers) {
    final boolean known = vmId >= 0 && vmId < hostOf.length;
    answers.located(requestId, vmId, known ? hostOf[vmId] : ProbeAnswers.NOWHERE);
  }

  /** A capacity probe, answered at once from the model. */
  @Override
  public void askCapacity(
      final long requestId, final int hostId, final long memoryBytes, final ProbeAnswers answers) {
    if (hostId >= 0 && hostId < vmsOnHost.length) {
      answers.capacity(requestId, hostId, freeSlots(hostId), freeMemoryBytes(hostId));
    }
  }
}
