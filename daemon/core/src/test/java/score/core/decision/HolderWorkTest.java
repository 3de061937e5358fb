package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import score.core.port.Hypervisor;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The token's work on one host, with the other hosts played by answers: it visits its own VMs in
 * turn, routes the token to the host of the next VM, skips VMs nobody answers for, adds its new
 * VMs, and starts a new rotation in the policy's order. Fan-out 2,2: hosts 0,1 | 2,3; this is 0.
 */
class HolderWorkTest {
  private static final long SECOND = 1_000_000_000L;
  private static final int A = 0x0A000001;
  private static final int B = 0x0A000002;
  private static final int C = 0x0A000003;

  private final List<Hypervisor.Vm> local = new ArrayList<>();
  private final List<Holder.Outcome> outcomes = new ArrayList<>();
  private final java.util.Map<Integer, Integer> where = new java.util.HashMap<>();

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

      @Override
      public void migrate(final MigrationOrder order, final MigrationListener listener) {}

      @Override
      public void abort(final String vmName) {}
    };
  }

  private HolderWork work() {
    final Hypervisor hypervisor = localHypervisor();
    final NeighbourTraffic none = traffic(new int[0], new double[0]);
    final Holder holder =
        new Holder(
            new MigrationDecider(
                Topology.fanout(2, 2),
                LinkWeights.of(1, Math.E),
                MigrationDecider.CandidateRule.PAPER),
            (id, vm, answers) -> {},
            (id, host, memory, answers) -> {},
            (id, decision) -> {},
            new Holder.Settings(SECOND, SECOND, 60 * SECOND, MigrationCost.ZERO, false));
    return new HolderWork(
        0,
        hypervisor,
        vm -> none,
        holder,
        new LocationCache(30 * SECOND, 1000),
        (id, vm, answers) -> {
          final Integer host = where.get(vm);
          if (host != null) {
            answers.located(id, vm, host);
          }
        },
        SECOND,
        1000,
        outcomes::add);
  }

  private static Token token(final int position, final int... vms) {
    return new Token(TokenPolicy.ROUND_ROBIN, 1, 10, position, 0, vms, null);
  }

  @Test
  void ownVmsShouldBeVisitedAndTheTokenSentToTheNextVmsHost() {
    local.add(vm(A));
    where.put(B, 2);
    final HolderWork work = work();
    final Token held = token(0, A, B);
    assertNull(work.hold(held, false, 0, 0), "no lease: no visit yet");
    assertEquals(List.of(), outcomes);
    assertNull(work.hold(held, true, SECOND, 1), "A visited; B's turn comes next tick");
    assertEquals(1, outcomes.size());
    assertEquals(Holder.Result.NO_GAIN, outcomes.get(0).result());
    final Token passed = work.hold(held, true, SECOND, 2);
    assertNotNull(passed, "B runs elsewhere: the token goes");
    assertEquals(1, passed.position(), "B's turn, on its host");
    assertEquals(2, work.nextHost(passed), "to B's host, found by a location probe");
  }

  @Test
  void aVisitWhoseVmLeftWhileMigratingShouldStillEndAsMoved() {
    // The migration's end can come after libvirt already lists the VM on its new host only: the
    // visit must still end, count as moved, and send the token after the VM.
    local.add(vm(A));
    final NeighbourTraffic talksToB = traffic(new int[] {B}, new double[] {1000});
    final long[] moveRequest = {-1};
    final score.core.port.LocationProbes bOnHost2 = (id, vm, answers) -> answers.located(id, vm, 2);
    final Holder holder =
        new Holder(
            new MigrationDecider(
                Topology.fanout(2, 2),
                LinkWeights.of(1, Math.E),
                MigrationDecider.CandidateRule.PAPER),
            bOnHost2,
            (id, host, memory, answers) -> answers.capacity(id, host, 4, 8L << 30),
            (id, decision) -> moveRequest[0] = id,
            new Holder.Settings(SECOND, SECOND, 60 * SECOND, MigrationCost.ZERO, false));
    final HolderWork work =
        new HolderWork(
            0,
            localHypervisor(),
            vm -> talksToB,
            holder,
            new LocationCache(30 * SECOND, 1000),
            bOnHost2,
            SECOND,
            1000,
            outcomes::add);
    final Token held = token(0, A, B);
    assertNull(work.hold(held, true, SECOND, 1), "migrating A to B's host");
    assertEquals(Holder.Phase.MIGRATING, holder.phase());
    local.clear(); // A now runs on host 2
    assertNull(work.hold(held, true, SECOND, 2), "the token waits for the migration");
    holder.migrationEnded(moveRequest[0], true, "");
    assertNull(work.hold(held, true, SECOND, 3), "A's visit ends");
    assertEquals(1, outcomes.size());
    assertEquals(Holder.Result.MOVED, outcomes.get(0).result());
    final Token passed = work.hold(held, true, SECOND, 4);
    assertNotNull(passed, "B's turn: B runs on host 2");
    assertEquals(2, work.nextHost(passed));
  }

  @Test
  void aVmNobodyAnswersForShouldBeSkippedAndTheRotationEnd() {
    local.add(vm(A));
    final HolderWork work = work();
    final Token held = token(1, A, C); // C's turn; nobody runs C
    assertNull(work.hold(held, true, SECOND, 0), "probe sent");
    assertNull(work.hold(held, true, SECOND, SECOND / 2), "still waiting for an answer");
    final Token passed = work.hold(held, true, SECOND, SECOND);
    assertNotNull(passed, "skipped at the deadline; the rotation ends");
    assertEquals(0, passed.position(), "a new rotation");
    assertEquals(-1, work.nextHost(passed), "between rotations the token takes ring order");
  }

  @Test
  void newRotationsShouldEnterTheRingAtVaryingHosts() {
    // A host running no VM the token lists sees the token only between rotations.
    local.add(vm(A));
    final java.util.Set<Integer> entries = new java.util.HashSet<>();
    for (long sequence = 10; sequence < 40; sequence++) {
      final HolderWork work = work().withMembers(List.of(0, 1, 2, 3));
      final Token passed =
          work.hold(
              new Token(TokenPolicy.ROUND_ROBIN, 1, sequence, 0, 0, new int[] {A}, null),
              true,
              SECOND,
              1);
      assertNotNull(passed, "A visited, the rotation ends");
      entries.add(work.nextHost(passed));
    }
    assertEquals(java.util.Set.of(1, 2, 3), entries, "every other host, never this one");
  }

  @Test
  void aNewVmHereShouldJoinTheToken() {
    local.add(vm(A));
    local.add(vm(C));
    where.put(B, 3);
    final HolderWork work = work();
    final Token held = token(0, B);
    final Token passed = work.hold(held, true, SECOND, 0);
    assertNotNull(passed);
    assertEquals(3, passed.vmCount(), "A and C joined");
    assertEquals(B, passed.vmId(0));
    assertEquals(3, work.nextHost(passed));
  }
}
