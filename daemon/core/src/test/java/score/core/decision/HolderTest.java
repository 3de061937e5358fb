package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The holder's state machine with answers that come late, never, twice or for another visit, on a
 * fan-out 2,2 topology (racks {0,1} and {2,3}). VM 0 runs on host 0 and talks to VM 1 (10 B/s) and
 * VM 2 (5 B/s), both on host 2: moving to host 2 saves every cross-rack byte.
 */
class HolderTest {
  private static final long GIB = 1L << 30;
  private static final long SECOND = 1_000_000_000L;

  private static final NeighbourTraffic TRAFFIC =
      new NeighbourTraffic() {
        @Override
        public int count() {
          return 2;
        }

        @Override
        public int vm(final int index) {
          return index + 1;
        }

        @Override
        public double bytesPerSecond(final int index) {
          return index == 0 ? 10 : 5;
        }
      };

  private record Asked(long id, int target) {}

  private final List<Asked> locates = new ArrayList<>();
  private final List<Asked> capacities = new ArrayList<>();
  private final List<Decision> moves = new ArrayList<>();

  private Holder holder(final boolean dryRun) {
    return new Holder(
        new MigrationDecider(
            Topology.fanout(2, 2), LinkWeights.of(1, Math.E), MigrationDecider.CandidateRule.PAPER),
        (id, vm, answers) -> locates.add(new Asked(id, vm)),
        (id, host, memory, answers) -> capacities.add(new Asked(id, host)),
        (id, decision) -> moves.add(decision),
        new Holder.Settings(SECOND, SECOND, 60 * SECOND, MigrationCost.ZERO, dryRun));
  }

  /** Runs a visit to the migration with every probe answered, starting at {@code start}. */
  private Holder.Phase answerAll(final Holder holder, final long id, final long start) {
    assertEquals(Holder.Phase.LOCATING, holder.begin(id, 0, 0, GIB, TRAFFIC, start));
    assertEquals(List.of(new Asked(id, 1), new Asked(id, 2)), locates);
    holder.answers().located(id, 1, 2);
    holder.answers().located(id, 2, 2);
    assertEquals(Holder.Phase.SIZING, holder.step(start + 1));
    assertEquals(List.of(new Asked(id, 2)), capacities);
    holder.answers().capacity(id, 2, 3, 4 * GIB);
    return holder.step(start + 2);
  }

  @Test
  void answeredProbesShouldLeadToAMoveAndTheTokenShouldWaitForIt() {
    final Holder holder = holder(false);
    assertEquals(Holder.Phase.MIGRATING, answerAll(holder, 7, 0));
    assertEquals(1, moves.size());
    assertEquals(2, moves.get(0).toHost());
    assertEquals(Holder.Phase.MIGRATING, holder.step(30 * SECOND), "waits for the migration");
    holder.migrationEnded(6, true, "another visit's");
    assertEquals(Holder.Phase.MIGRATING, holder.step(30 * SECOND));
    holder.migrationEnded(7, true, "completed");
    assertEquals(Holder.Phase.DONE, holder.step(31 * SECOND));
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    assertEquals(Holder.Result.MOVED, outcome.result());
    assertEquals(0, TokenEntry.level(outcome.tokenEntry()), "after the move u talks on its host");
  }

  @Test
  void aFailedMigrationShouldLeaveTheEntryOfTheVmWhereItIs() {
    final Holder holder = holder(false);
    answerAll(holder, 1, 0);
    holder.migrationEnded(1, false, "destination QEMU died");
    assertEquals(Holder.Phase.DONE, holder.step(3));
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    assertEquals(Holder.Result.MIGRATION_FAILED, outcome.result());
    assertEquals("destination QEMU died", outcome.why());
    assertEquals(2, TokenEntry.level(outcome.tokenEntry()), "still talks across racks");
  }

  @Test
  void aMoveRefusedBeforeItStartedShouldBeToldApartFromAFailedMigration() {
    final Holder holder = holder(false);
    answerAll(holder, 1, 0);
    holder.migrationNotStarted(1, "migrations are paused");
    assertEquals(Holder.Phase.DONE, holder.step(3));
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    assertEquals(Holder.Result.NOT_STARTED, outcome.result());
    assertEquals("migrations are paused", outcome.why());
    assertEquals(2, TokenEntry.level(outcome.tokenEntry()), "still talks across racks");
  }

  @Test
  void theTokenShouldGoOnAtTheHoldLimit() {
    final Holder holder = holder(false);
    answerAll(holder, 1, 0);
    assertEquals(60 * SECOND, holder.nanosUntilDue(2, 1), "the hold began when it migrated");
    assertEquals(Holder.Phase.DONE, holder.step(2 + 60 * SECOND));
    assertEquals(Holder.Result.STILL_MIGRATING, holder.outcome().orElseThrow().result());
  }

  @Test
  void dryRunShouldDecideWithoutMoving() {
    final Holder holder = holder(true);
    assertEquals(Holder.Phase.DONE, answerAll(holder, 1, 0));
    assertEquals(List.of(), moves);
    final Holder.Outcome outcome = holder.outcome().orElseThrow();
    assertEquals(Holder.Result.DRY_RUN, outcome.result());
    assertEquals(2, outcome.decision().toHost());
    assertTrue(outcome.why().contains("would move to host 2"), outcome.why());
  }

  @Test
  void unansweredProbesShouldCountAsUnknownAtTheirDeadline() {
    final Holder holder = holder(false);
    final long start = Long.MAX_VALUE - SECOND / 2; // the deadline lies past the wrap
    holder.begin(1, 0, 0, GIB, TRAFFIC, start);
    holder.answers().located(9, 1, 2); // another visit's answer: ignored
    assertEquals(Holder.Phase.LOCATING, holder.step(start + SECOND - 1));
    assertEquals(Holder.Phase.DONE, holder.step(start + SECOND));
    assertEquals(List.of(), capacities, "no neighbour was located: no candidate to ask");
    assertEquals(Holder.Result.PROBE_TIMEOUT, holder.outcome().orElseThrow().result());
  }

  @Test
  void aFullCandidateShouldBeNoRoomAndNoCandidateNoGain() {
    final Holder full = holder(false);
    full.begin(1, 0, 0, GIB, TRAFFIC, 0);
    full.answers().located(1, 1, 2);
    full.answers().located(1, 2, 2);
    full.step(1);
    full.answers().capacity(1, 2, 0, 4 * GIB);
    assertEquals(Holder.Phase.DONE, full.step(2));
    assertEquals(Holder.Result.NO_ROOM, full.outcome().orElseThrow().result());

    locates.clear();
    capacities.clear();
    final Holder local = holder(false);
    local.begin(2, 0, 0, GIB, TRAFFIC, 0);
    local.answers().located(2, 1, 0);
    local.answers().located(2, 2, 0);
    assertEquals(Holder.Phase.DONE, local.step(1), "neighbours already here: nothing to ask");
    assertEquals(Holder.Result.NO_GAIN, local.outcome().orElseThrow().result());
    assertEquals(0, TokenEntry.level(local.outcome().orElseThrow().tokenEntry()));
  }
}
