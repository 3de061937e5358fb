package score.core.decision;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import score.core.port.Hypervisor;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;
import score.core.port.TrafficView;
import score.core.ring.TokenWork;
import score.protocol.Token;

/**
 * What a host does with the token (S-CORE sections III-D to III-F), as the ring's {@link
 * TokenWork}: keeps the token's VM list true ({@link TokenRoster}), visits the VM whose turn it is
 * when it runs here ({@link Holder}: probe, decide, migrate), writes the VM's new entry, and sends
 * the token to the host of the next VM, found in the {@link LocationCache} or by a location probe;
 * a VM that no probe finds is skipped. One visit per hold; never blocks.
 */
public final class HolderWork implements TokenWork {
  private final int self;
  private final Hypervisor hypervisor;
  private final TrafficView traffic;
  private final Holder holder;
  private final LocationCache locations;
  private final LocationProbes probes;
  private final long locateTimeoutNanos;
  private final int maxVms;
  private final Consumer<Holder.Outcome> outcomes;

  private Set<Integer> localAtLastHold = Set.of();
  private final Set<Integer> movedAway = new HashSet<>();
  private Token working;
  private long visit;
  private boolean visiting;
  private int routeTo = -1;
  private long routeAsked;
  private long routeDeadlineNanos;
  private int routingVm;
  private final long[] probeIds = new long[1];
  private long rotations;
  private int[] members = new int[0];
  private final long rotationPaceNanos;
  private long visitStartedNanos;
  private Hypervisor.Vm visitingVm;
  private long holds;

  public HolderWork(
      final int self,
      final Hypervisor hypervisor,
      final TrafficView traffic,
      final Holder holder,
      final LocationCache locations,
      final LocationProbes probes,
      final long locateTimeoutNanos,
      final int maxVms,
      final Consumer<Holder.Outcome> outcomes) {
    this(
        self,
        hypervisor,
        traffic,
        holder,
        locations,
        probes,
        locateTimeoutNanos,
        maxVms,
        0,
        outcomes);
  }

  /**
   * @param rotationPaceNanos least time a rotation of the VM list takes: each visit keeps the token
   *     at least this over the number of VMs, so every VM's traffic is measured over a window of
   *     about this length (S-CORE's rounds) instead of the few milliseconds a decision takes
   */
  public HolderWork(
      final int self,
      final Hypervisor hypervisor,
      final TrafficView traffic,
      final Holder holder,
      final LocationCache locations,
      final LocationProbes probes,
      final long locateTimeoutNanos,
      final int maxVms,
      final long rotationPaceNanos,
      final Consumer<Holder.Outcome> outcomes) {
    if (rotationPaceNanos < 0) {
      throw new IllegalArgumentException("the rotation pace cannot be negative");
    }
    this.rotationPaceNanos = rotationPaceNanos;
    this.self = self;
    this.hypervisor = hypervisor;
    this.traffic = traffic;
    this.holder = holder;
    this.locations = locations;
    this.probes = probes;
    this.locateTimeoutNanos = locateTimeoutNanos;
    this.maxVms = maxVms;
    this.outcomes = outcomes;
  }

  @Override
  public Token hold(
      final Token token, final boolean mayAct, final long leaseUntilNanos, final long nowNanos) {
    final Map<Integer, Hypervisor.Vm> local = localVms();
    if (working == null
        || working.epoch() != token.epoch()
        || working.sequence() != token.sequence()) {
      // A fresh hold: upkeep of the VM list, then work on it.
      holds++;
      working = TokenRoster.refresh(token, local.keySet(), localAtLastHold, movedAway, maxVms);
      localAtLastHold = Set.copyOf(local.keySet());
      movedAway.clear();
      visiting = false;
      routingVm = 0;
      routeTo = -1;
    }
    if (working.vmCount() == 0) {
      routeTo = -1;
      return finish(working);
    }
    if (visiting) {
      // The visit goes on even when its VM has left (its migration ended before the visit did).
      return visit(visitingVm, mayAct, nowNanos);
    }
    final int vm = working.vmId(working.position());
    final Hypervisor.Vm here = local.get(vm);
    if (here != null) {
      return visit(here, mayAct, nowNanos);
    }
    return route(vm, nowNanos);
  }

  private Token visit(final Hypervisor.Vm vm, final boolean mayAct, final long nowNanos) {
    if (!visiting) {
      if (!mayAct) {
        return null; // a visit may end in a migration: only under a confirmed lease
      }
      visiting = true;
      visitingVm = vm;
      visitStartedNanos = nowNanos;
      holder.begin(
          ++visit, vm.ipv4(), self, vm.memoryBytes(), traffic.neighboursOf(vm.ipv4()), nowNanos);
    } else {
      holder.step(nowNanos);
    }
    if (holder.phase() != Holder.Phase.DONE) {
      return null;
    }
    if (score.core.port.Deadlines.before(
        nowNanos, visitStartedNanos + rotationPaceNanos / Math.max(1, working.vmCount()))) {
      return null;
    }
    visiting = false;
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    outcomes.accept(outcome);
    if (outcome.result() == Holder.Result.MOVED
        || outcome.result() == Holder.Result.STILL_MIGRATING) {
      movedAway.add(vm.ipv4());
      locations.migrating(vm.ipv4());
      if (outcome.result() == Holder.Result.MOVED) {
        // Where it went is known here: the token follows it without a probe.
        locations.found(vm.ipv4(), outcome.decision().toHost(), nowNanos);
      }
    }
    working = withEntry(working, working.position(), outcome.entryFor(working.policy()));
    return advance();
  }

  /** The token goes to the host of the VM at its position, once known. */
  private Token route(final int vm, final long nowNanos) {
    final int cached = locations.hostOf(vm, nowNanos);
    if (cached != VmLocator.UNKNOWN && cached != self) {
      routeTo = cached;
      return working;
    }
    if (routingVm != vm) {
      routingVm = vm;
      routeAsked = ++probeIds[0];
      routeDeadlineNanos = nowNanos + locateTimeoutNanos;
      probes.locate(
          routeAsked,
          vm,
          new ProbeAnswers() {
            @Override
            public void located(final long requestId, final int vmId, final int hostId) {
              if (hostId != NOWHERE) {
                locations.found(vmId, hostId, nowNanos);
              }
            }

            @Override
            public void capacity(
                final long requestId, final int hostId, final int slots, final long memory) {}
          });
      final int answered = locations.hostOf(vm, nowNanos);
      if (answered != VmLocator.UNKNOWN && answered != self) {
        routeTo = answered;
        return working;
      }
      return null;
    }
    if (score.core.port.Deadlines.reached(nowNanos, routeDeadlineNanos)) {
      // Nobody answers for it: skip it this rotation (its host adds it again if it runs).
      routingVm = 0;
      return advance();
    }
    return null;
  }

  /** The next VM's turn; at the end of the list a new rotation in the policy's order. */
  private Token advance() {
    final int next = working.position() + 1;
    if (next >= working.vmCount()) {
      rotations++;
      working = TokenRoster.nextRotation(working);
      routeTo = rotationEntry(working.sequence());
      return finish(working);
    }
    working = withPosition(working, next);
    return null; // the next VM at the next tick: visited here, or routed to its host
  }

  /**
   * Where a new rotation enters the ring: a host that runs no VM the token lists sees the token
   * only between rotations, so that host must vary. Without a member list (tests, the simulator)
   * ring order from here; with one, the member the token's handover count selects, so over a few
   * rotations every host gets it and adds its new VMs.
   */
  private int rotationEntry(final long sequence) {
    if (members.length < 2) {
      return -1;
    }
    int index = (int) Long.remainderUnsigned(sequence, members.length);
    if (members[index] == self) {
      index = (index + 1) % members.length;
    }
    return members[index];
  }

  /** The ring's members, so that new rotations enter at varying hosts ({@link #rotationEntry}). */
  public HolderWork withMembers(final java.util.Collection<Integer> ids) {
    members = ids.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    return this;
  }

  private Token finish(final Token token) {
    working = null;
    return token;
  }

  /** Rotations of the token's VM list this host completed (it visited or skipped the last VM). */
  public long rotations() {
    return rotations;
  }

  /** Tokens this host received and worked on (token hops to here). */
  public long holds() {
    return holds;
  }

  @Override
  public int nextHost(final Token passed) {
    return routeTo;
  }

  private Map<Integer, Hypervisor.Vm> localVms() {
    final Map<Integer, Hypervisor.Vm> byIp = new HashMap<>();
    for (final Hypervisor.Vm vm : hypervisor.vms()) {
      if (vm.ipv4() != 0) {
        byIp.put(vm.ipv4(), vm);
      }
    }
    return byIp;
  }

  private static Token withEntry(final Token token, final int index, final byte entry) {
    if (!token.policy().carriesLevels()) {
      return token;
    }
    final int[] ids = new int[token.vmCount()];
    final byte[] levels = new byte[token.vmCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = token.vmId(i);
      levels[i] = (byte) token.level(i);
    }
    levels[index] = entry;
    return new Token(
        token.policy(),
        token.epoch(),
        token.sequence(),
        token.position(),
        token.creator(),
        ids,
        levels);
  }

  private static Token withPosition(final Token token, final int position) {
    final int[] ids = new int[token.vmCount()];
    final byte[] levels = token.policy().carriesLevels() ? new byte[ids.length] : null;
    for (int i = 0; i < ids.length; i++) {
      ids[i] = token.vmId(i);
      if (levels != null) {
        levels[i] = (byte) token.level(i);
      }
    }
    return new Token(
        token.policy(), token.epoch(), token.sequence(), position, token.creator(), ids, levels);
  }
}
