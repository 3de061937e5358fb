package score.core.decision;

import java.util.Arrays;
import score.core.port.CapacityProbes;
import score.core.port.Deadlines;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;

/**
 * The answers to one decision's probes, gathered as they arrive, and read by {@link
 * MigrationDecider} through {@link VmLocator} and {@link HostRoom} once they are in or their
 * deadline has passed. In the agent the answers come back over the network on the ring's thread, so
 * the holder asks, carries on, and looks again at its next tick; the simulator answers from inside
 * the request, so everything is settled when the asking returns.
 *
 * <p>Unanswered means unknown: a VM whose location probe got no answer is nowhere ({@link
 * VmLocator#UNKNOWN}), a host that did not answer has no room. Answers to an earlier round (another
 * request id) are ignored. Not thread-safe: one holder, one thread.
 */
public final class ProbeBook implements ProbeAnswers, VmLocator, HostRoom {
  private long round;
  private long locateDeadlineNanos;
  private long capacityDeadlineNanos;
  private int[] vms = new int[16];
  private int[] hostOfVm = new int[16];
  private boolean[] vmAnswered = new boolean[16];
  private int vmCount;
  private int locationsPending;
  private int vmCursor;
  private int[] hosts = new int[16];

  /**
   * Where each asked host stands in {@link #hosts}: open addressing, index + 1 per slot (0 empty),
   * a power of two at least twice the hosts asked. Rack mates make a decision ask hundreds of
   * hosts, and the rule looks each up once per mate: a scan would make that quadratic.
   */
  private int[] hostSlots = new int[32];

  private int[] freeSlots = new int[16];
  private long[] freeMemoryBytes = new long[16];
  private boolean[] answered = new boolean[16];
  private int hostCount;
  private int capacityPending;

  /**
   * Starts a round: asks where each of {@code traffic}'s neighbours runs.
   *
   * @param requestId this round's id; answers carrying another are ignored
   */
  public void locate(
      final long requestId,
      final NeighbourTraffic traffic,
      final LocationProbes probes,
      final long nowNanos,
      final long timeoutNanos) {
    round = requestId;
    vmCount = 0;
    vmCursor = 0;
    clearHosts();
    capacityPending = 0;
    final int neighbours = traffic.count();
    if (vms.length < neighbours) {
      vms = new int[Math.max(neighbours, 2 * vms.length)];
      hostOfVm = new int[vms.length];
      vmAnswered = new boolean[vms.length];
    }
    for (int k = 0; k < neighbours; k++) {
      vms[k] = traffic.vm(k);
      hostOfVm[k] = UNKNOWN;
      vmAnswered[k] = false;
    }
    vmCount = neighbours;
    locationsPending = neighbours;
    locateDeadlineNanos = nowNanos + timeoutNanos;
    for (int k = 0; k < neighbours; k++) {
      probes.locate(requestId, vms[k], this);
    }
  }

  long locateDeadlineNanos() {
    return locateDeadlineNanos;
  }

  long capacityDeadlineNanos() {
    return capacityDeadlineNanos;
  }

  /** Whether every location probe was answered or their deadline has passed. */
  public boolean locationsSettled(final long nowNanos) {
    return locationsPending == 0 || Deadlines.reached(nowNanos, locateDeadlineNanos);
  }

  /**
   * Asks each distinct host that runs a located neighbour, other than {@code currentHost}, whether
   * it has room for {@code memoryBytes}: the candidates of S-CORE section III-F.
   *
   * @return the number of hosts asked
   */
  public int askCandidates(
      final int currentHost,
      final long memoryBytes,
      final CapacityProbes probes,
      final long nowNanos,
      final long timeoutNanos) {
    return askCandidates(currentHost, memoryBytes, probes, nowNanos, timeoutNanos, null);
  }

  /**
   * As {@link #askCandidates(int, long, CapacityProbes, long, long)}, and with {@code rackMatesIn}
   * (the rack-aware rule) also every host in a candidate's rack: a full candidate's rack mate is
   * the rule's fallback, and only a host that was asked can answer that it has room, in the agent
   * and in the simulator alike.
   */
  public int askCandidates(
      final int currentHost,
      final long memoryBytes,
      final CapacityProbes probes,
      final long nowNanos,
      final long timeoutNanos,
      final Topology rackMatesIn) {
    clearHosts();
    for (int k = 0; k < vmCount; k++) {
      final int host = hostOfVm[k];
      if (host != UNKNOWN && host != currentHost && indexOfHost(host) < 0) {
        addHost(host);
      }
    }
    if (rackMatesIn != null) {
      final int candidates = hostCount;
      for (int c = 0; c < candidates; c++) {
        final int rack = rackMatesIn.rackOf(hosts[c]);
        for (int k = 0; k < rackMatesIn.rackSize(rack); k++) {
          final int mate = rackMatesIn.hostInRack(rack, k);
          if (mate != currentHost && indexOfHost(mate) < 0) {
            addHost(mate);
          }
        }
      }
    }
    capacityPending = hostCount;
    capacityDeadlineNanos = nowNanos + timeoutNanos;
    final int asked = hostCount;
    for (int h = 0; h < asked; h++) {
      probes.askCapacity(round, hosts[h], memoryBytes, this);
    }
    return asked;
  }

  /** Whether every capacity probe was answered or their deadline has passed. */
  public boolean capacitySettled(final long nowNanos) {
    return capacityPending == 0 || Deadlines.reached(nowNanos, capacityDeadlineNanos);
  }

  /** Location probes still unanswered (after the deadline: the ones counted as unknown). */
  public int locationsPending() {
    return locationsPending;
  }

  /** Capacity probes still unanswered. */
  public int capacityPending() {
    return capacityPending;
  }

  @Override
  public void located(final long requestId, final int vmId, final int hostId) {
    if (requestId != round) {
      return;
    }
    final int k = indexOfVm(vmId);
    if (k >= 0 && !vmAnswered[k]) {
      // The first answer counts; a duplicate (or a second host's) does not move the VM.
      vmAnswered[k] = true;
      hostOfVm[k] = hostId == NOWHERE ? UNKNOWN : hostId;
      locationsPending--;
    }
  }

  /**
   * The neighbour's index. Answers and the decider's lookups mostly come in the order the probes
   * went out, so the slot after the last one found is tried first: a decision stays linear in its
   * neighbours instead of quadratic.
   */
  private int indexOfVm(final int vm) {
    if (vmCursor < vmCount && vms[vmCursor] == vm) {
      return vmCursor++;
    }
    for (int k = 0; k < vmCount; k++) {
      if (vms[k] == vm) {
        vmCursor = k + 1;
        return k;
      }
    }
    return -1;
  }

  @Override
  public void capacity(
      final long requestId, final int hostId, final int slots, final long memoryBytes) {
    if (requestId != round) {
      return;
    }
    final int h = indexOfHost(hostId);
    if (h < 0 || answered[h]) {
      return;
    }
    answered[h] = true;
    freeSlots[h] = Math.max(0, slots);
    freeMemoryBytes[h] = Math.max(0, memoryBytes);
    capacityPending--;
  }

  @Override
  public int hostOf(final int vm) {
    final int k = indexOfVm(vm);
    return k >= 0 ? hostOfVm[k] : UNKNOWN;
  }

  @Override
  public int freeSlots(final int host) {
    final int h = indexOfHost(host);
    if (h < 0) {
      return 0; // nobody asked it: no room
    }
    return answered[h] ? freeSlots[h] : 0;
  }

  @Override
  public long freeMemoryBytes(final int host) {
    final int h = indexOfHost(host);
    if (h < 0) {
      return 0;
    }
    return answered[h] ? freeMemoryBytes[h] : 0;
  }

  private void clearHosts() {
    hostCount = 0;
    Arrays.fill(hostSlots, 0);
  }

  /** The index of {@code host} in {@link #hosts}, or -1: one probe sequence of the hash index. */
  private int indexOfHost(final int host) {
    final int[] slots = hostSlots;
    final int mask = slots.length - 1;
    for (int slot = mix(host) & mask; ; slot = (slot + 1) & mask) {
      final int entry = slots[slot];
      if (entry == 0) {
        return -1;
      }
      if (hosts[entry - 1] == host) {
        return entry - 1;
      }
    }
  }

  private void addHost(final int host) {
    if (hostCount == hosts.length) {
      hosts = Arrays.copyOf(hosts, 2 * hostCount);
      freeSlots = Arrays.copyOf(freeSlots, hosts.length);
      freeMemoryBytes = Arrays.copyOf(freeMemoryBytes, hosts.length);
      answered = Arrays.copyOf(answered, hosts.length);
    }
    hosts[hostCount] = host;
    answered[hostCount] = false;
    hostCount++;
    if (2 * hostCount > hostSlots.length) {
      // At most half full, so probe sequences stay short: rebuild at twice the size.
      hostSlots = new int[2 * hostSlots.length];
      for (int h = 0; h < hostCount; h++) {
        insertSlot(h);
      }
    } else {
      insertSlot(hostCount - 1);
    }
  }

  private void insertSlot(final int index) {
    final int mask = hostSlots.length - 1;
    int slot = mix(hosts[index]) & mask;
    while (hostSlots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    hostSlots[slot] = index + 1;
  }

  /** Spreads host ids over the slots (ids are dense small integers). */
  private static int mix(final int host) {
    final int h = host * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
