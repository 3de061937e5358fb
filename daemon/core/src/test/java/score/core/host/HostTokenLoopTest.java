package score.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import score.core.decision.Decision;
import score.core.decision.Holder;
import score.core.decision.LinkWeights;
import score.core.decision.LocationCache;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourTraffic;
import score.core.decision.Topology;
import score.core.port.Hypervisor;
import score.core.port.ProbeAnswers;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The host's token loop on one host, driven through fake ports only, with the other hosts played by
 * answers given at once, late or never: it visits its own VMs in turn, routes the token to the host
 * of the next VM, skips VMs nobody answers for, adds its new VMs, announces moves, and starts a new
 * rotation in the policy's order. Fan-out 2,2: hosts 0,1 | 2,3; this is host 0.
 */
class HostTokenLoopTest {
  private static final long SECOND = 1_000_000_000L;
  private static final int A = 0x0A000001;
  private static final int B = 0x0A000002;
  private static final int C = 0x0A000003;
  private static final int D = 0x0A000004;

  private final List<Hypervisor.Vm> local = new ArrayList<>();
  private final List<Holder.Outcome> outcomes = new ArrayList<>();
  private final List<String> announced = new ArrayList<>();
  private final List<long[]> moves = new ArrayList<>();
  private final List<Decision> moveDecisions = new ArrayList<>();

  /** Where other hosts' VMs run, answered at once; a VM missing here is never answered. */
  private final Map<Integer, Integer> where = new HashMap<>();

  /** Location probes held back, answered by the test (late answers). */
  private final Map<Integer, Long> lateLocations = new HashMap<>();

  private final Map<Integer, ProbeAnswers> lateLocationAnswers = new HashMap<>();
  private final Set<Integer> answerLate = new java.util.HashSet<>();
  private final Map<Integer, NeighbourTraffic> traffic = new HashMap<>();
  private int freeSlotsElsewhere = 4;

  private static Hypervisor.Vm vm(final int ip) {
    return new Hypervisor.Vm("vm" + ip, "u" + ip, ip, 1L << 30, 1, 0, 0);
  }

  /** Neighbours {@code vms} with their rates {@code bytesPerSecond}. */
  private static NeighbourTraffic traffic(final int[] vms, final double[] bytesPerSecond) {
    return new NeighbourTraffic() {
      @Override
      public int count() {
        return vms.length;
      }

      @Override
      public int vm(final int index) {
        return vms[index];
      }

      @Override
      public double bytesPerSecond(final int index) {
        return bytesPerSecond[index];
      }
    };
  }

  private static final NeighbourTraffic NONE = traffic(new int[0], new double[0]);

  /** This host's hypervisor: the VMs in {@link #local}, room for four. */
  private Hypervisor localHypervisor() {
    return new Hypervisor() {
      @Override
      public List<Vm> vms() {
        return local;
      }

      @Override
      public Room room() {
        return new Room(4, 8L << 30);
      }
    };
  }

  private HostTokenLoop loop(final Set<Integer> members, final boolean dryRun) {
    final HostTokenLoop.Ports ports =
        new HostTokenLoop.Ports(
            localHypervisor(),
            vm -> traffic.getOrDefault(vm, NONE),
            vm -> traffic.getOrDefault(vm, NONE),
            (id, vm, answers) -> {
              if (answerLate.contains(vm)) {
                lateLocations.put(vm, id);
                lateLocationAnswers.put(vm, answers);
                return;
              }
              final Integer host = where.get(vm);
              if (host != null) {
                answers.located(id, vm, host);
              }
            },
            (id, host, memory, answers) -> answers.capacity(id, host, freeSlotsElsewhere, 8L << 30),
            (id, decision) -> {
              moves.add(new long[] {id, decision.vm(), decision.toHost()});
              moveDecisions.add(decision);
            },
            (vm, host) -> announced.add(Integer.toHexString(vm) + "@" + host),
            new HostTokenLoop.Listener() {
              @Override
              public void visited(final Holder.Outcome outcome) {
                outcomes.add(outcome);
              }
            });
    return new HostTokenLoop(
        0,
        ports,
        new MigrationDecider(
            Topology.fanout(2, 2), LinkWeights.of(1, Math.E), MigrationDecider.CandidateRule.PAPER),
        new Holder.Settings(SECOND, SECOND, 60 * SECOND, MigrationCost.ZERO, dryRun),
        new LocationCache(30 * SECOND, 1000),
        new HostTokenLoop.Settings(SECOND, 1000, 0, members, 0));
  }

  private HostTokenLoop loop() {
    return loop(Set.of(), false);
  }

  private static Token token(final int position, final int... vms) {
    return new Token(TokenPolicy.ROUND_ROBIN, 1, 10, position, 0, vms, null);
  }

  @Test
  void ownVmsShouldBeVisitedAndTheTokenSentToTheNextVmsHost() {
    local.add(vm(A));
    where.put(B, 2);
    final HostTokenLoop loop = loop();
    final Token held = token(0, A, B);
    assertNull(loop.hold(held, false, 0, 0), "no lease: no visit yet");
    assertEquals(List.of(), outcomes);
    assertNull(loop.hold(held, true, SECOND, 1), "A visited; B's turn comes next tick");
    assertEquals(1, outcomes.size());
    assertEquals(Holder.Result.NO_GAIN, outcomes.get(0).result());
    final Token passed = loop.hold(held, true, SECOND, 2);
    assertNotNull(passed, "B runs elsewhere: the token goes");
    assertEquals(1, passed.position(), "B's turn, on its host");
    assertEquals(2, loop.nextHost(passed), "to B's host, found by a location probe");
  }

  @Test
  void aVisitWhoseVmLeftWhileMigratingShouldStillEndAsMoved() {
    // The migration's end can come after libvirt already lists the VM on its new host only: the
    // visit must still end, count as moved, and send the token after the VM.
    local.add(vm(A));
    traffic.put(A, traffic(new int[] {B}, new double[] {1000}));
    where.put(B, 2);
    final HostTokenLoop loop = loop();
    final Token held = token(0, A, B);
    assertNull(loop.hold(held, true, SECOND, 1), "migrating A to B's host");
    assertEquals(1, moves.size());
    assertEquals(List.of("a000001@-1"), announced, "the move is announced before it runs");
    local.clear(); // A now runs on host 2
    assertNull(loop.hold(held, true, SECOND, 2), "the token waits for the migration");
    loop.migrationEnded(moves.get(0)[0], moveDecisions.get(0), true, true, "", 3);
    assertEquals(List.of("a000001@-1", "a000001@2"), announced, "and its end, with where");
    assertNull(loop.hold(held, true, SECOND, 3), "A's visit ends");
    assertEquals(1, outcomes.size());
    assertEquals(Holder.Result.MOVED, outcomes.get(0).result());
    final Token passed = loop.hold(held, true, SECOND, 4);
    assertNotNull(passed, "B's turn: B runs on host 2");
    assertEquals(2, loop.nextHost(passed));
    assertEquals(1, loop.counts().migrationsSucceeded());
    assertEquals(1, loop.counts().decisions(Holder.Result.MOVED));
  }

  @Test
  void aVmNobodyAnswersForShouldBeSkippedAndTheRotationEnd() {
    local.add(vm(A));
    final HostTokenLoop loop = loop();
    final Token held = token(1, A, C); // C's turn; nobody runs C
    assertNull(loop.hold(held, true, SECOND, 0), "probe sent");
    assertEquals(SECOND / 2, loop.nanosUntilDue(SECOND / 2), "nothing due before the deadline");
    assertNull(loop.hold(held, true, SECOND, SECOND / 2), "still waiting for an answer");
    final Token passed = loop.hold(held, true, SECOND, SECOND);
    assertNotNull(passed, "skipped at the deadline; the rotation ends");
    assertEquals(0, passed.position(), "a new rotation");
    assertEquals(-1, loop.nextHost(passed), "between rotations the token takes ring order");
    assertEquals(1, loop.rotations());
  }

  @Test
  void newRotationsShouldEnterTheRingAtVaryingHosts() {
    // A host running no VM the token lists sees the token only between rotations.
    local.add(vm(A));
    final java.util.Set<Integer> entries = new java.util.HashSet<>();
    for (long sequence = 10; sequence < 40; sequence++) {
      final HostTokenLoop loop = loop(Set.of(0, 1, 2, 3), false);
      final Token passed =
          loop.hold(
              new Token(TokenPolicy.ROUND_ROBIN, 1, sequence, 0, 0, new int[] {A}, null),
              true,
              SECOND,
              1);
      assertNotNull(passed, "A visited, the rotation ends");
      entries.add(loop.nextHost(passed));
    }
    assertEquals(java.util.Set.of(1, 2, 3), entries, "every other host, never this one");
  }

  @Test
  void aNewVmHereShouldJoinTheToken() {
    local.add(vm(A));
    local.add(vm(C));
    where.put(B, 3);
    final HostTokenLoop loop = loop();
    final Token held = token(0, B);
    final Token passed = loop.hold(held, true, SECOND, 0);
    assertNotNull(passed);
    assertEquals(3, passed.vmCount(), "A and C joined");
    assertEquals(B, passed.vmId(0));
    assertEquals(3, loop.nextHost(passed));
  }

  /**
   * A whole rotation of a load-aware token over four VMs here, each visit a different path:
   * answered at once and moved; a neighbour answered late (after the deadline: unknown, so no
   * move); a move that fails; a move that never starts; then the token goes to the host of the last
   * VM, with the visited VMs' entries written.
   */
  @Test
  void aWholeRotationShouldTakeEveryPathAndRouteTheTokenOn() {
    final int e = 0x0A000005;
    local.add(vm(A));
    local.add(vm(B));
    local.add(vm(C));
    local.add(vm(D));
    final int peer1 = 0x0A000101;
    final int peer2 = 0x0A000102;
    final int peer3 = 0x0A000103;
    final int peer4 = 0x0A000104;
    traffic.put(A, traffic(new int[] {peer1}, new double[] {1000}));
    traffic.put(B, traffic(new int[] {peer2}, new double[] {2000}));
    traffic.put(C, traffic(new int[] {peer3}, new double[] {3000}));
    traffic.put(D, traffic(new int[] {peer4}, new double[] {4000}));
    where.put(peer1, 2);
    answerLate.add(peer2);
    where.put(peer3, 3);
    where.put(peer4, 3);
    where.put(e, 1);
    final HostTokenLoop loop = loop();
    final byte[] levels = new byte[5];
    final Token held =
        new Token(TokenPolicy.LOAD_AWARE, 1, 10, 0, 0, new int[] {A, B, C, D, e}, levels);

    // A: answered at once, room on host 2, moved.
    assertNull(loop.hold(held, true, 60 * SECOND, 0));
    assertEquals(1, moves.size(), "A's move started");
    loop.migrationEnded(moves.get(0)[0], moveDecisions.get(0), true, true, "", 1);
    assertNull(loop.hold(held, true, 60 * SECOND, 1), "A's visit ends as moved");
    assertEquals(Holder.Result.MOVED, outcomes.get(0).result());
    local.remove(0); // libvirt no longer lists A here

    // B: its neighbour's host answers after the deadline: unknown, B stays.
    assertNull(loop.hold(held, true, 60 * SECOND, 2), "B's visit waits for the location");
    assertTrue(lateLocations.containsKey(peer2), "asked where B's neighbour runs");
    assertNull(loop.hold(held, true, 60 * SECOND, 2 + SECOND), "deadline: decided without it");
    lateLocationAnswers.get(peer2).located(lateLocations.get(peer2), peer2, 2);
    assertEquals(Holder.Result.PROBE_TIMEOUT, outcomes.get(1).result(), "the late answer is late");

    // C: decided, started, failed.
    assertNull(loop.hold(held, true, 60 * SECOND, 3 * SECOND));
    assertEquals(2, moves.size(), "C's move started");
    loop.migrationEnded(moves.get(1)[0], moveDecisions.get(1), true, false, "broken pipe", 0);
    assertNull(loop.hold(held, true, 60 * SECOND, 3 * SECOND + 1));
    assertEquals(Holder.Result.MIGRATION_FAILED, outcomes.get(2).result());

    // D: decided, refused before it started (say, paused).
    assertNull(loop.hold(held, true, 60 * SECOND, 4 * SECOND));
    assertEquals(3, moves.size(), "D's move handed on");
    loop.migrationEnded(moves.get(2)[0], moveDecisions.get(2), false, false, "paused", 0);
    assertNull(loop.hold(held, true, 60 * SECOND, 4 * SECOND + 1));
    assertEquals(Holder.Result.NOT_STARTED, outcomes.get(3).result());

    // e runs on host 1: routed there.
    final Token passed = loop.hold(held, true, 60 * SECOND, 5 * SECOND);
    assertNotNull(passed);
    assertEquals(4, passed.position());
    assertEquals(1, loop.nextHost(passed));
    assertTrue(passed.level(0) != 0 || passed.level(2) != 0, "visited VMs' entries written");

    final HostTokenLoop.Counts counts = loop.counts();
    assertEquals(1, counts.migrationsSucceeded());
    assertEquals(1, counts.migrationsFailed());
    assertEquals(1, counts.movesNotStarted());
    assertEquals(1, counts.holds());
    assertEquals(
        List.of("a000001@-1", "a000001@2", "a000003@-1", "a000003@0", "a000004@-1", "a000004@0"),
        announced,
        "each move announced as it starts and where the VM is when it ends");
  }

  @Test
  void aTokenThatArrivesWhileAMigrationRunsShouldWaitThenGoOnAtTheHoldLimit() {
    local.add(vm(A));
    traffic.put(A, traffic(new int[] {B}, new double[] {1000}));
    where.put(B, 2);
    final HostTokenLoop loop = loop();
    final Token held = token(0, A, B);
    assertNull(loop.hold(held, true, 60 * SECOND, 0), "A is migrating");
    assertEquals(60 * SECOND - 5, loop.nanosUntilDue(5), "nothing due before the hold limit");
    assertNull(loop.hold(held, true, 60 * SECOND, 30 * SECOND), "still migrating");
    assertNull(loop.hold(held, true, 60 * SECOND, 60 * SECOND), "the hold limit: the visit ends");
    assertEquals(Holder.Result.STILL_MIGRATING, outcomes.get(0).result());
    final Token passed = loop.hold(held, true, 60 * SECOND, 60 * SECOND + 1);
    assertNotNull(passed, "the token goes on without waiting for the migration");
    // The migration ends later, on a later hold: announced, the location corrected.
    loop.migrationEnded(moves.get(0)[0], moveDecisions.get(0), true, true, "", 61 * SECOND);
    assertEquals("a000001@2", announced.get(announced.size() - 1));
    assertEquals(1, loop.counts().migrationsSucceeded());
  }

  @Test
  void eq1ShouldCountHalfOfEachPairHereAndAskWhereUnknownNeighboursRun() {
    local.add(vm(A));
    local.add(vm(C));
    // A talks to B (host 2, across racks: c_1 + c_2 = 1 + e) and to C (here: free).
    traffic.put(A, traffic(new int[] {B, C}, new double[] {1000, 500}));
    traffic.put(C, traffic(new int[] {A, D}, new double[] {500, 100}));
    where.put(B, 2);
    final HostTokenLoop loop = loop();
    loop.refreshCost(0, 16);
    assertEquals(2, loop.unlocatedNeighbours(), "B was not cached yet (asked now); D is nowhere");
    loop.refreshCost(1, 16);
    assertEquals(0.5 * 1000 * (1 + Math.E), loop.localCost(), 1e-9);
    assertEquals(1, loop.unlocatedNeighbours(), "D never answers");
    final HostTokenLoop.PlanTerms terms = loop.planTerms(A, 2, 2);
    assertEquals(1000 * (1 + Math.E), terms.costHere(), 1e-9);
    assertEquals(500 * (1 + Math.E), terms.costThere(), 1e-9, "C would be across racks");
    assertEquals(2 * (terms.costHere() - terms.costThere()), terms.gain(), 1e-9);
    assertTrue(terms.eq2Holds());
  }

  @Test
  void aDryRunShouldDecideButNeitherMoveNorAnnounce() {
    local.add(vm(A));
    traffic.put(A, traffic(new int[] {B}, new double[] {1000}));
    where.put(B, 2);
    final HostTokenLoop loop = loop(Set.of(), true);
    assertNull(loop.hold(token(0, A, B), true, SECOND, 0));
    assertEquals(Holder.Result.DRY_RUN, outcomes.get(0).result());
    assertEquals(List.of(), moves);
    assertEquals(List.of(), announced);
  }

  @Test
  void aTokenThatListsNoVmShouldStayTheIdleHoldThenGoOnUnderALease() {
    final HostTokenLoop loop =
        new HostTokenLoop(
            0,
            new HostTokenLoop.Ports(
                localHypervisor(),
                vm -> NONE,
                vm -> NONE,
                (id, vm, answers) -> {},
                (id, host, memory, answers) -> {},
                (id, decision) -> {},
                (vm, host) -> {},
                outcomes::add),
            new MigrationDecider(Topology.fanout(2, 2), LinkWeights.of(1, Math.E)),
            new Holder.Settings(SECOND, SECOND, 60 * SECOND, MigrationCost.ZERO, false),
            new LocationCache(30 * SECOND, 1000),
            new HostTokenLoop.Settings(SECOND, 1000, 0, Set.of(), SECOND));
    final Token empty = token(0);
    assertNull(loop.hold(empty, true, 5 * SECOND, 0), "held the idle hold");
    assertEquals(SECOND / 2, loop.nanosUntilDue(SECOND / 2));
    assertNull(loop.hold(empty, false, 0, SECOND), "no lease yet");
    assertNotNull(loop.hold(empty, true, 5 * SECOND, SECOND + 1), "then passed on under a lease");
    final Token next = token(0).advanced(0);
    assertNull(loop.hold(next, false, 0, 10 * SECOND), "a new hold starts the idle hold again");
    assertNull(loop.hold(next, false, 0, 11 * SECOND), "no lease: waits longer");
    assertNotNull(loop.hold(next, false, 0, 12 * SECOND), "without a lease after twice the hold");
  }

  @Test
  void aCallFromAnotherThreadThanTheOwnersShouldFail() throws Exception {
    local.add(vm(A));
    final HostTokenLoop loop = loop();
    loop.refreshCost(0, 0); // this thread owns it now
    final Throwable[] thrown = new Throwable[1];
    final Thread stranger =
        new Thread(
            () -> {
              try {
                loop.hold(token(0, A), true, SECOND, 1);
              } catch (final AssertionError e) {
                thrown[0] = e;
              }
            },
            "stranger");
    stranger.start();
    stranger.join();
    assertNotNull(thrown[0], "the loop asserts where it runs");
    assertTrue(thrown[0].getMessage().contains("stranger"), thrown[0].getMessage());
  }
}
