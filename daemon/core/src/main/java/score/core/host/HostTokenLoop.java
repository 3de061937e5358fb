package score.core.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import score.core.decision.Decision;
import score.core.decision.Holder;
import score.core.decision.LocationCache;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourTraffic;
import score.core.decision.NeighbourhoodCost;
import score.core.decision.ProbeBook;
import score.core.decision.Topology;
import score.core.decision.VmLocator;
import score.core.decision.WorkingToken;
import score.core.port.CapacityProbes;
import score.core.port.Deadlines;
import score.core.port.Hypervisor;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;
import score.core.port.TrafficView;
import score.core.ring.TokenWork;
import score.protocol.Token;

/**
 * The host's token loop (S-CORE sections III-C to III-F): everything a host does with the token and
 * for its own VMs, driven through ports only, so the agent and the simulator run this same code.
 *
 * <ul>
 *   <li>Token upkeep: the token's VM list kept true ({@link WorkingToken#upkeep}).
 *   <li>The holder's visit of its own VM whose turn it is ({@link Holder}: probe, eq. 2, move),
 *       under a confirmed lease only; the VM's new entry written into the token.
 *   <li>Routing: the token goes to the host of the next VM, from the {@link LocationCache} or a
 *       location probe; a VM no probe finds is skipped; a new rotation in the policy's order.
 *   <li>Announcements: a move that starts is announced as "migrating" and its end with where the VM
 *       runs, so every host's cached location is dropped or corrected.
 *   <li>Eq. 1 over the local VMs for the metric ({@link #refreshCost}) and eq. 1/eq. 2's terms for
 *       one VM ({@link #planTerms}), both through {@link NeighbourhoodCost}, the decision's own
 *       implementation, so the figure an operator reads is the one the holder decides on.
 * </ul>
 *
 * One owner: the ring's thread calls every method but the counters' readers ({@link #counts},
 * {@link #localCost}); none blocks. The loop asserts it: the first thread that works it is its
 * owner, and a call from any other fails an assertion (tests run with assertions on).
 */
public final class HostTokenLoop implements TokenWork {
  /** Sends "VM {@code vm} runs on {@code host}" ({@link ProbeAnswers#NOWHERE}: migrating). */
  @FunctionalInterface
  public interface Announcer {
    void announce(int vm, int host);
  }

  /** What the loop reports to its adapter (logs, metrics, the flow table's upkeep). */
  public interface Listener {
    /**
     * A visit ended: its outcome. The VM's traffic history up to now has been used (the agent's
     * flow table may drop it).
     */
    void visited(Holder.Outcome outcome);

    /** A move this host decided ended (or never started). */
    default void migrationEnded(final Decision decision, final boolean started, final boolean ok) {}
  }

  /**
   * The host's ports.
   *
   * @param hypervisor the VMs running here (a snapshot, never blocking)
   * @param decisionTraffic λ(z, u) since u's last decision, read at u's visit
   * @param currentTraffic λ(z, u) now, for eq. 1's metric and plans
   * @param locations where other hosts' VMs run, asked by probe
   * @param capacities what room other hosts have, asked by probe
   * @param mover carries out a decided move (libvirt in the agent, the model in the simulator) and
   *     reports its end through {@link #migrationEnded}
   */
  public record Ports(
      Hypervisor hypervisor,
      TrafficView decisionTraffic,
      TrafficView currentTraffic,
      LocationProbes locations,
      CapacityProbes capacities,
      Holder.Mover mover,
      Announcer announcer,
      Listener listener) {}

  /**
   * @param locateTimeoutNanos how long a routing probe is waited for before the VM is skipped
   * @param maxVms the most entries the token may carry
   * @param rotationPaceNanos least time a rotation of the VM list takes: each visit keeps the token
   *     at least this over the number of VMs, so every VM's traffic is measured over a window of
   *     about this length (S-CORE's rounds) instead of the few milliseconds a decision takes
   * @param members the ring's members, so that new rotations enter at varying hosts; empty: ring
   *     order from here
   * @param idleHoldNanos how long a token that lists no VM stays here (as {@code PassOnWork}'s idle
   *     hold): an empty ring goes round once per idle rotation, not as fast as the network
   */
  public record Settings(
      long locateTimeoutNanos,
      int maxVms,
      long rotationPaceNanos,
      Set<Integer> members,
      long idleHoldNanos) {
    public Settings {
      if (locateTimeoutNanos <= 0 || maxVms < 0 || rotationPaceNanos < 0 || idleHoldNanos < 0) {
        throw new IllegalArgumentException(
            "the loop's timeout must be positive, its bound and pace not negative");
      }
      members = Set.copyOf(members);
    }
  }

  /** How many of each thing the loop did, for the metrics. */
  public record Counts(
      long holds,
      long rotations,
      long[] decisionsByResult,
      long migrationsSucceeded,
      long migrationsFailed,
      long movesNotStarted) {
    public long decisions(final Holder.Result result) {
      return decisionsByResult[result.ordinal()];
    }
  }

  /** One neighbour's row of {@link PlanTerms}; {@code host} -1 while unknown. */
  public record NeighbourTerm(
      int vm, double bytesPerSecond, int host, int levelHere, int levelThere) {}

  /**
   * Eq. 1 for u here and on another host, and eq. 2's two sides: {@code gain} = 2 Σ λ(z, u)(cost
   * here − cost there), {@code migrationCost} = c_m.
   */
  public record PlanTerms(
      List<NeighbourTerm> neighbours,
      double costHere,
      double costThere,
      double gain,
      double migrationCost) {
    public boolean eq2Holds() {
      return gain > migrationCost;
    }
  }

  private final int self;
  private final Ports ports;
  private final Holder holder;
  private final LocationCache locations;
  private final Settings settings;
  private final int[] members;
  private final score.core.decision.LinkWeights weights;
  private NeighbourhoodCost cost;
  private final Topology topology;
  private final MigrationCost migrationCost;

  private Set<Integer> localAtLastHold = Set.of();
  private final Set<Integer> movedAway = new HashSet<>();
  private final Map<Integer, Hypervisor.Vm> localByIp = new HashMap<>();
  private WorkingToken working;
  private WorkingToken passed;
  private long visit;
  private long heldSequence;
  private boolean visiting;
  private int routeTo = -1;
  private long routeAsked;
  private long routeDeadlineNanos;
  private int routingVm;
  private long probeIds;
  private long costProbeIds = 1L << 62;
  private long visitStartedNanos;
  private long heldSinceNanos;
  private Hypervisor.Vm visitingVm;

  private Thread owner;

  private final AtomicLong holds = new AtomicLong();
  private final AtomicLong rotations = new AtomicLong();
  private final AtomicLongArray decisions = new AtomicLongArray(Holder.Result.values().length);
  private final AtomicLong migrationsSucceeded = new AtomicLong();
  private final AtomicLong migrationsFailed = new AtomicLong();
  private final AtomicLong movesNotStarted = new AtomicLong();
  private volatile double localCost;
  private volatile int unlocatedNeighbours;

  /**
   * @param decider eq. 2 with the candidate rule
   * @param holderSettings the holder's timeouts, c_m and dry run
   */
  public HostTokenLoop(
      final int self,
      final Ports ports,
      final MigrationDecider decider,
      final Holder.Settings holderSettings,
      final LocationCache locations,
      final Settings settings) {
    this(self, ports, decider, holderSettings, locations, settings, new ProbeBook());
  }

  /**
   * @param probeBook the holder's probe book: shared only by loops whose visits never overlap (the
   *     simulator's hosts, whose visits end within their hold)
   */
  public HostTokenLoop(
      final int self,
      final Ports ports,
      final MigrationDecider decider,
      final Holder.Settings holderSettings,
      final LocationCache locations,
      final Settings settings,
      final ProbeBook probeBook) {
    this.self = self;
    this.ports = ports;
    this.holder =
        new Holder(
            decider,
            ports.locations(),
            ports.capacities(),
            this::startMove,
            holderSettings,
            probeBook);
    this.topology = decider.topology();
    this.weights = decider.weights();
    this.migrationCost = holderSettings.migrationCost();
    this.locations = locations;
    this.settings = settings;
    this.members = new int[settings.members().size()];
    int m = 0;
    for (final int member : settings.members()) {
      members[m++] = member;
    }
    if (members.length > 1) {
      java.util.Arrays.sort(members);
    }
  }

  /**
   * A token that lists {@code vmIds} with their {@code entries}, at the start of a rotation in
   * {@code policy}'s order: what a ring's token is after one rotation in which every host added its
   * VMs (the simulator starts there).
   */
  public static Token rotationOf(
      final score.protocol.TokenPolicy policy,
      final long epoch,
      final int creator,
      final int[] vmIds,
      final byte[] entries) {
    final WorkingToken token =
        WorkingToken.of(
            new Token(
                policy,
                epoch,
                0,
                0,
                creator,
                vmIds.clone(),
                policy.carriesLevels() ? entries.clone() : null));
    token.nextRotation();
    return token.toToken();
  }

  // ------------------------------------------------------------------ the token

  @Override
  public Token hold(
      final Token token, final boolean mayAct, final long leaseUntilNanos, final long nowNanos) {
    assert onOwnerThread();
    final Map<Integer, Hypervisor.Vm> local = localVms();
    if (working == null
        || working.epoch() != token.epoch()
        || working.sequence() != token.sequence()) {
      freshHold(WorkingToken.of(token), local, nowNanos);
    }
    return work(local, mayAct, nowNanos) ? passed.toToken() : null;
  }

  /**
   * {@link #hold} on a token worked in place, as the simulator passes one from host to host: the
   * same work, without copying the token in and out (a hop costs this host's VMs, not the token's
   * length).
   *
   * @return whether the token is to be passed on (to {@link #nextHost()})
   */
  public boolean holdInPlace(
      final WorkingToken token,
      final boolean mayAct,
      final long leaseUntilNanos,
      final long nowNanos) {
    assert onOwnerThread();
    final Map<Integer, Hypervisor.Vm> local = localVms();
    if (working != token || working.sequence() != heldSequence) {
      freshHold(token, local, nowNanos);
    }
    return work(local, mayAct, nowNanos);
  }

  /** A fresh hold: upkeep of the VM list, then work on it. */
  private void freshHold(
      final WorkingToken token, final Map<Integer, Hypervisor.Vm> local, final long nowNanos) {
    holds.incrementAndGet();
    working = token;
    heldSequence = token.sequence();
    working.upkeep(local.keySet(), localAtLastHold, movedAway, settings.maxVms());
    localAtLastHold = Set.copyOf(local.keySet());
    movedAway.clear();
    heldSinceNanos = nowNanos;
    visiting = false;
    routingVm = 0;
    routeTo = -1;
  }

  /** One step of the hold; true once the token is to be passed on ({@link #passed}). */
  private boolean work(
      final Map<Integer, Hypervisor.Vm> local, final boolean mayAct, final long nowNanos) {
    if (working.vmCount() == 0) {
      // Nothing to visit: keep the token the idle hold, and pass it on once a lease confirms the
      // hold (or without one after twice the hold: nothing could act here anyway).
      final long held = nowNanos - heldSinceNanos;
      if (held < settings.idleHoldNanos() || (!mayAct && held < 2 * settings.idleHoldNanos())) {
        return false;
      }
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

  private boolean visit(final Hypervisor.Vm vm, final boolean mayAct, final long nowNanos) {
    if (!visiting) {
      if (!mayAct) {
        return false; // a visit may end in a migration: only under a confirmed lease
      }
      visiting = true;
      visitingVm = vm;
      visitStartedNanos = nowNanos;
      holder.begin(
          ++visit,
          vm.ipv4(),
          self,
          vm.memoryBytes(),
          ports.decisionTraffic().neighboursOf(vm.ipv4()),
          nowNanos);
    } else {
      holder.step(nowNanos);
    }
    if (holder.phase() != Holder.Phase.DONE) {
      return false;
    }
    if (Deadlines.before(
        nowNanos,
        visitStartedNanos + settings.rotationPaceNanos() / Math.max(1, working.vmCount()))) {
      return false;
    }
    visiting = false;
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    decisions.incrementAndGet(outcome.result().ordinal());
    ports.listener().visited(outcome);
    if (outcome.result() == Holder.Result.MOVED
        || outcome.result() == Holder.Result.STILL_MIGRATING) {
      movedAway.add(vm.ipv4());
      locations.migrating(vm.ipv4());
      if (outcome.result() == Holder.Result.MOVED) {
        // Where it went is known here: the token follows it without a probe.
        locations.found(vm.ipv4(), outcome.decision().toHost(), nowNanos);
      }
    }
    working.setEntry(working.position(), outcome.entryFor(working.policy()));
    return advance();
  }

  /**
   * A decided move: announced as "migrating" first, so every host drops its cached location before
   * the VM can be found elsewhere, then handed to the mover.
   */
  private void startMove(final long requestId, final Decision decision) {
    ports.announcer().announce(decision.vm(), ProbeAnswers.NOWHERE);
    ports.mover().move(requestId, decision);
  }

  /** The token goes to the host of the VM at its position, once known. */
  private boolean route(final int vm, final long nowNanos) {
    final int cached = locations.hostOf(vm, nowNanos);
    if (cached != VmLocator.UNKNOWN && cached != self) {
      routeTo = cached;
      return finish(working);
    }
    if (routingVm != vm) {
      routingVm = vm;
      routeAsked = ++probeIds;
      routeDeadlineNanos = nowNanos + settings.locateTimeoutNanos();
      ports.locations().locate(routeAsked, vm, cacheAnswers(nowNanos));
      final int answered = locations.hostOf(vm, nowNanos);
      if (answered != VmLocator.UNKNOWN && answered != self) {
        routeTo = answered;
        return finish(working);
      }
      return false;
    }
    if (Deadlines.reached(nowNanos, routeDeadlineNanos)) {
      // Nobody answers for it: skip it this rotation (its host adds it again if it runs).
      routingVm = 0;
      return advance();
    }
    return false;
  }

  /** Answers land in the location cache (routing and the cost metric read it). */
  private ProbeAnswers cacheAnswers(final long nowNanos) {
    return new ProbeAnswers() {
      @Override
      public void located(final long requestId, final int vmId, final int hostId) {
        if (hostId != NOWHERE) {
          locations.found(vmId, hostId, nowNanos);
        }
      }

      @Override
      public void capacity(
          final long requestId, final int hostId, final int slots, final long memory) {}
    };
  }

  /** The next VM's turn; at the end of the list a new rotation in the policy's order. */
  private boolean advance() {
    final int next = working.position() + 1;
    if (next >= working.vmCount()) {
      rotations.incrementAndGet();
      working.nextRotation();
      routeTo = rotationEntry(working.sequence());
      return finish(working);
    }
    working.setPosition(next);
    return false; // the next VM at the next tick: visited here, or routed to its host
  }

  /**
   * Where a new rotation enters the ring: a host that runs no VM the token lists sees the token
   * only between rotations, so that host must vary. Without a member list ring order from here;
   * with one, the member the token's handover count selects, so over a few rotations every host
   * gets it and adds its new VMs.
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

  /** The hold ends: the token is to be passed on. */
  private boolean finish(final WorkingToken token) {
    passed = token;
    working = null;
    return true;
  }

  @Override
  public int nextHost(final Token passed) {
    return routeTo;
  }

  /** Where the token passed by {@link #holdInPlace} goes; -1: the next host in ring order. */
  public int nextHost() {
    return routeTo;
  }

  /**
   * While a visit waits for answers or a migration, or a routing probe for its answer, nothing is
   * due before that deadline unless a message arrives (which ticks the ring at once); a finished
   * visit waits for the rotation's pace.
   */
  @Override
  public long nanosUntilDue(final long nowNanos) {
    if (working == null) {
      return 0;
    }
    if (working.vmCount() == 0) {
      return Math.max(0, heldSinceNanos + settings.idleHoldNanos() - nowNanos);
    }
    if (visiting) {
      if (holder.phase() == Holder.Phase.DONE) {
        final long paceNanos = settings.rotationPaceNanos() / Math.max(1, working.vmCount());
        return Math.max(0, visitStartedNanos + paceNanos - nowNanos);
      }
      return holder.nanosUntilDue(nowNanos, 0);
    }
    if (routingVm != 0) {
      return Math.max(0, routeDeadlineNanos - nowNanos);
    }
    return 0;
  }

  // ------------------------------------------------------------------ a move's end

  /**
   * The move of visit {@code requestId} ended: announced to every host (where the VM runs now), the
   * location cache corrected, the holder told.
   *
   * @param started false when it was refused before it began (paused, enough leaving, VM gone)
   */
  public void migrationEnded(
      final long requestId,
      final Decision decision,
      final boolean started,
      final boolean succeeded,
      final String why,
      final long nowNanos) {
    assert onOwnerThread();
    (succeeded ? migrationsSucceeded : started ? migrationsFailed : movesNotStarted)
        .incrementAndGet();
    final int where = succeeded ? decision.toHost() : self;
    ports.announcer().announce(decision.vm(), where);
    if (succeeded) {
      locations.found(decision.vm(), decision.toHost(), nowNanos);
    }
    if (started) {
      holder.migrationEnded(requestId, succeeded, why);
    } else {
      holder.migrationNotStarted(requestId, why);
    }
    ports.listener().migrationEnded(decision, started, succeeded);
  }

  /** Another host announced where {@code vm} runs ({@link ProbeAnswers#NOWHERE}: migrating). */
  public void announced(final int vm, final int host, final long nowNanos) {
    assert onOwnerThread();
    if (host == ProbeAnswers.NOWHERE) {
      locations.migrating(vm);
    } else if (host >= 0 && host < topology.hosts()) {
      locations.found(vm, host, nowNanos);
    }
  }

  // ------------------------------------------------------------------ eq. 1 and eq. 2

  /**
   * Recomputes eq. 1 over the local VMs (each pair's half counted by the host of each end, so the
   * hosts' values add up to the data centre's cost) from the current traffic and the neighbours'
   * known hosts, and asks where the unknown ones run (answers land in the location cache for the
   * next time); at most {@code maxProbes} probes per call.
   */
  public void refreshCost(final long nowNanos, final int maxProbes) {
    assert onOwnerThread();
    final Set<Integer> local = localVms().keySet();
    final CountingLocator locator = new CountingLocator(local, nowNanos);
    double total = 0;
    for (final int vm : local) {
      locator.probesLeft = maxProbes - locator.asked;
      eq1().load(ports.currentTraffic().neighboursOf(vm), locator);
      total += 0.5 * eq1().costOn(self);
    }
    localCost = total;
    unlocatedNeighbours = locator.unknown;
  }

  /**
   * Eq. 1 for VM {@code vmIp} here and on host {@code to}, and eq. 2 with c_m, from the current
   * traffic and the neighbours' known hosts: what {@code score plan --vm} shows.
   */
  public PlanTerms planTerms(final int vmIp, final int to, final long nowNanos) {
    assert onOwnerThread();
    final Set<Integer> local = localVms().keySet();
    final CountingLocator locator = new CountingLocator(local, nowNanos);
    locator.probesLeft = 0;
    final NeighbourTraffic traffic = ports.currentTraffic().neighboursOf(vmIp);
    final List<NeighbourTerm> rows = new ArrayList<>();
    for (int i = 0; i < traffic.count(); i++) {
      final int host = locator.hostOf(traffic.vm(i));
      final boolean known = host != VmLocator.UNKNOWN;
      rows.add(
          new NeighbourTerm(
              traffic.vm(i),
              traffic.bytesPerSecond(i),
              host,
              known ? topology.level(self, host) : -1,
              known && to >= 0 && to < topology.hosts() ? topology.level(to, host) : -1));
    }
    eq1().load(traffic, locator);
    final double here = eq1().costOn(self);
    final double there = to >= 0 && to < topology.hosts() ? eq1().costOn(to) : here;
    return new PlanTerms(
        List.copyOf(rows), here, there, 2 * (here - there), migrationCost.forVm(here));
  }

  /** Eq. 1's scratch, built at the first refresh or plan (simulated hosts never need one). */
  private NeighbourhoodCost eq1() {
    if (cost == null) {
      cost = new NeighbourhoodCost(topology, weights);
    }
    return cost;
  }

  /** Local VMs at this host; the others from the cache, unknown ones asked (bounded), counted. */
  private final class CountingLocator implements VmLocator {
    private final Set<Integer> local;
    private final long nowNanos;
    int unknown;
    int asked;
    int probesLeft;

    CountingLocator(final Set<Integer> local, final long nowNanos) {
      this.local = local;
      this.nowNanos = nowNanos;
    }

    @Override
    public int hostOf(final int vm) {
      if (local.contains(vm)) {
        return self;
      }
      final int host = locations.hostOf(vm, nowNanos);
      if (host == UNKNOWN || host < 0 || host >= topology.hosts()) {
        unknown++;
        if (probesLeft > 0) {
          probesLeft--;
          asked++;
          ports.locations().locate(costProbeIds++, vm, cacheAnswers(nowNanos));
        }
        return UNKNOWN;
      }
      return host;
    }
  }

  /** Whether the caller is the loop's owner (the first caller becomes it). */
  private boolean onOwnerThread() {
    if (owner == null) {
      owner = Thread.currentThread();
    }
    if (owner != Thread.currentThread()) {
      throw new AssertionError(
          "the host's token loop is owned by "
              + owner.getName()
              + ", called from "
              + Thread.currentThread().getName());
    }
    return true;
  }

  // ------------------------------------------------------------------ what it did

  /** What the loop did so far (any thread). */
  public Counts counts() {
    final long[] byResult = new long[decisions.length()];
    for (int i = 0; i < byResult.length; i++) {
      byResult[i] = decisions.get(i);
    }
    return new Counts(
        holds.get(),
        rotations.get(),
        byResult,
        migrationsSucceeded.get(),
        migrationsFailed.get(),
        movesNotStarted.get());
  }

  /** Eq. 1 over the local VMs at the last {@link #refreshCost} (any thread). */
  public double localCost() {
    return localCost;
  }

  /** Neighbours of local VMs not located at the last {@link #refreshCost} (any thread). */
  public int unlocatedNeighbours() {
    return unlocatedNeighbours;
  }

  /** Rotations of the token's VM list this host completed (it visited or skipped the last VM). */
  public long rotations() {
    return rotations.get();
  }

  /** Tokens this host received and worked on (token hops to here). */
  public long holds() {
    return holds.get();
  }

  /** The VMs running here by address; one map refilled at each call (read within the call). */
  private Map<Integer, Hypervisor.Vm> localVms() {
    localByIp.clear();
    for (final Hypervisor.Vm vm : ports.hypervisor().vms()) {
      if (vm.ipv4() != 0) {
        localByIp.put(vm.ipv4(), vm);
      }
    }
    return localByIp;
  }
}
