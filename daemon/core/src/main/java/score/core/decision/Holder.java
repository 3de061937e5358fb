package score.core.decision;

import java.util.Objects;
import java.util.Optional;
import score.core.port.CapacityProbes;
import score.core.port.Deadlines;
import score.core.port.LocationProbes;
import score.core.port.ProbeAnswers;

/**
 * The work of the host holding the token for one VM u (S-CORE section III-F), as a state machine
 * driven by probe answers, a migration's end and {@code nowNanos}, so that the agent (answers over
 * the network, a migration through libvirt) and the simulator (answers at once, moves applied at
 * once) run this same code:
 *
 * <pre>
 * LOCATING   location probes for u's neighbours; unanswered by the deadline means unknown
 * SIZING     capacity probes to the neighbours' hosts; unanswered means no room
 * (decide)   eq. 2 with c_m through {@link MigrationDecider}
 * MIGRATING  the move, or in dry-run only the decision; the token waits up to the hold limit
 * DONE       the outcome and u's token entry (level and load) for the token
 * </pre>
 *
 * Not thread-safe: one holder, one thread (the ring's).
 */
public final class Holder {
  /** Where the holder is in its work for the current VM. */
  public enum Phase {
    IDLE,
    LOCATING,
    SIZING,
    MIGRATING,
    DONE
  }

  /** How a visit of the token ended for the VM, as the metrics count it. */
  public enum Result {
    /** u was moved to a host nearer its neighbours. */
    MOVED,
    /** Moving u would not lower the cost by more than c_m. */
    NO_GAIN,
    /** A move would have paid, but no candidate had room. */
    NO_ROOM,
    /** Probes went unanswered and nothing was decided on what did answer. */
    PROBE_TIMEOUT,
    /** A move was decided and the migration failed; u stays where it was. */
    MIGRATION_FAILED,
    /**
     * A move was decided but not started (migrations paused, enough already leaving the host, the
     * VM gone, the agent stopping); u stays where it was.
     */
    NOT_STARTED,
    /** A move was decided and, in dry-run, only logged. */
    DRY_RUN,
    /** The migration was still running at the hold limit; the token goes on without waiting. */
    STILL_MIGRATING
  }

  /**
   * The holder's limits.
   *
   * @param holdNanos how long the token waits for a migration before it goes on
   */
  public record Settings(
      long locateTimeoutNanos,
      long capacityTimeoutNanos,
      long holdNanos,
      MigrationCost migrationCost,
      boolean dryRun) {
    public Settings {
      if (locateTimeoutNanos <= 0 || capacityTimeoutNanos <= 0 || holdNanos <= 0) {
        throw new IllegalArgumentException("the holder's timeouts must be positive");
      }
      Objects.requireNonNull(migrationCost);
    }
  }

  /**
   * Carries out a decided move: in the agent plan the bandwidth and migrate with libvirt, in the
   * simulator move the VM in the model. Reports the end through {@link Holder#migrationEnded} (at
   * once, later on the holder's thread, or never: the hold limit then lets the token go on).
   */
  @FunctionalInterface
  public interface Mover {
    void move(long requestId, Decision decision);
  }

  /**
   * What the visit ended with.
   *
   * @param tokenEntry u's entry for the distributed and load-aware policies where it runs now
   * @param pairCostEntry u's entry for the global policy where it runs now
   */
  public record Outcome(
      Decision decision, Result result, String why, byte tokenEntry, byte pairCostEntry) {
    /** The entry the token carries for u under {@code policy}. */
    public byte entryFor(final score.protocol.TokenPolicy policy) {
      return TokenEntry.forPolicy(policy, tokenEntry, pairCostEntry);
    }
  }

  private final MigrationDecider decider;
  private final LocationProbes locations;
  private final CapacityProbes capacities;
  private final Mover mover;
  private final Settings settings;
  private final ProbeBook book;

  private Phase phase = Phase.IDLE;
  private long requestId;
  private int vm;
  private int host;
  private long memoryBytes;
  private NeighbourTraffic traffic;
  private Decision decision;
  private long holdUntilNanos;
  private Outcome outcome;
  private boolean migrationEnded;
  private boolean migrationStarted;
  private boolean stayUnexplained;
  private boolean stayTimedOut;
  private boolean migrationSucceeded;
  private String migrationWhy = "";

  public Holder(
      final MigrationDecider decider,
      final LocationProbes locations,
      final CapacityProbes capacities,
      final Mover mover,
      final Settings settings) {
    this(decider, locations, capacities, mover, settings, new ProbeBook());
  }

  /**
   * @param book where this holder's probes and answers are kept: its own, or one shared by holders
   *     whose visits never overlap (the simulator's hosts, each visit ending within its hold), so a
   *     book sized for the largest decision stays warm instead of one per host
   */
  public Holder(
      final MigrationDecider decider,
      final LocationProbes locations,
      final CapacityProbes capacities,
      final Mover mover,
      final Settings settings,
      final ProbeBook book) {
    this.decider = decider;
    this.locations = locations;
    this.capacities = capacities;
    this.mover = mover;
    this.settings = settings;
    this.book = book;
  }

  /** Where probe answers go (the adapters call it on the holder's thread). */
  public ProbeAnswers answers() {
    return book;
  }

  public Phase phase() {
    return phase;
  }

  /** The outcome once {@link #phase} is DONE (valid until the next {@link #begin}). */
  public Optional<Outcome> outcome() {
    if (stayUnexplained) {
      stayUnexplained = false;
      final Result result;
      if (stayTimedOut) {
        result = Result.PROBE_TIMEOUT;
      } else {
        // Would a move have paid with room everywhere? Then room, not gain, was missing.
        result =
            decider
                    .decide(
                        vm, host, memoryBytes, traffic, book, ANY_ROOM, settings.migrationCost())
                    .migrates()
                ? Result.NO_ROOM
                : Result.NO_GAIN;
      }
      outcome =
          new Outcome(
              decision,
              result,
              result.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
              decision.tokenEntry(),
              decision.pairCostEntry());
    }
    return Optional.ofNullable(outcome);
  }

  /** The decision of the visit once taken (cheaper than {@link #outcome} when staying). */
  public Optional<Decision> decision() {
    return Optional.ofNullable(decision);
  }

  /**
   * Starts the work for VM {@code vmId} running here on {@code hostId}, and goes as far as it can
   * without waiting (all the way in the simulator).
   *
   * @param id this visit's request id; answers and a migration end carrying another are ignored
   */
  public Phase begin(
      final long id,
      final int vmId,
      final int hostId,
      final long vmMemoryBytes,
      final NeighbourTraffic neighbours,
      final long nowNanos) {
    requestId = id;
    vm = vmId;
    host = hostId;
    memoryBytes = vmMemoryBytes;
    traffic = neighbours;
    decision = null;
    outcome = null;
    stayUnexplained = false;
    migrationEnded = false;
    migrationWhy = "";
    phase = Phase.LOCATING;
    book.locate(id, neighbours, locations, nowNanos, settings.locateTimeoutNanos());
    return step(nowNanos);
  }

  /** The move of visit {@code id} ended; ignored for another visit. */
  public void migrationEnded(final long id, final boolean succeeded, final String why) {
    if (id == requestId && phase == Phase.MIGRATING) {
      migrationEnded = true;
      migrationSucceeded = succeeded;
      migrationStarted = true;
      migrationWhy = why == null ? "" : why;
    }
  }

  /** The move of visit {@code id} was refused before it started; ignored for another visit. */
  public void migrationNotStarted(final long id, final String why) {
    migrationEnded(id, false, why);
    if (id == requestId && phase == Phase.MIGRATING) {
      migrationStarted = false;
    }
  }

  /** Advances as far as the answers so far and the clock allow. */
  public Phase step(final long nowNanos) {
    if (phase == Phase.LOCATING && book.locationsSettled(nowNanos)) {
      phase = Phase.SIZING;
      book.askCandidates(
          host,
          memoryBytes,
          capacities,
          nowNanos,
          settings.capacityTimeoutNanos(),
          decider.rule() == MigrationDecider.CandidateRule.RACK_AWARE ? decider.topology() : null);
    }
    if (phase == Phase.SIZING && book.capacitySettled(nowNanos)) {
      decide(nowNanos);
    }
    if (phase == Phase.MIGRATING) {
      if (migrationEnded) {
        finish(
            migrationSucceeded
                ? Result.MOVED
                : migrationStarted ? Result.MIGRATION_FAILED : Result.NOT_STARTED,
            migrationWhy,
            migrationSucceeded ? decision : stayDecision());
      } else if (Deadlines.reached(nowNanos, holdUntilNanos)) {
        finish(
            Result.STILL_MIGRATING, "the migration was still running at the hold limit", decision);
      }
    }
    return phase;
  }

  /** How long until the holder needs a {@link #step} without any answer arriving. */
  public long nanosUntilDue(final long nowNanos, final long finestNanos) {
    final long due =
        switch (phase) {
          case LOCATING -> book.locateDeadlineNanos() - nowNanos;
          case SIZING -> book.capacityDeadlineNanos() - nowNanos;
          case MIGRATING -> holdUntilNanos - nowNanos;
          default -> Long.MAX_VALUE;
        };
    return Math.max(finestNanos, due);
  }

  private void decide(final long nowNanos) {
    final boolean timedOut = book.locationsPending() > 0 || book.capacityPending() > 0;
    decision = decider.decide(vm, host, memoryBytes, traffic, book, book, settings.migrationCost());
    if (!decision.migrates()) {
      // Why it stays is worked out only when asked (outcome()): the simulator never asks.
      stayUnexplained = true;
      stayTimedOut = timedOut;
      phase = Phase.DONE;
      return;
    }
    if (settings.dryRun()) {
      finish(Result.DRY_RUN, "dry run: would move to host " + decision.toHost(), stayDecision());
      return;
    }
    phase = Phase.MIGRATING;
    holdUntilNanos = nowNanos + settings.holdNanos();
    mover.move(requestId, decision);
  }

  /**
   * The decision to stay, for u's token entries where it is now (after a failed or skipped move).
   */
  private Decision stayDecision() {
    return decider.decide(vm, host, memoryBytes, traffic, book, NO_ROOM, settings.migrationCost());
  }

  /** Ends the visit; u's token entries are those of {@code entries} (the move's or staying's). */
  private void finish(final Result result, final String why, final Decision entries) {
    outcome = new Outcome(decision, result, why, entries.tokenEntry(), entries.pairCostEntry());
    phase = Phase.DONE;
  }

  private static final HostRoom ANY_ROOM =
      new HostRoom() {
        @Override
        public int freeSlots(final int hostId) {
          return Integer.MAX_VALUE;
        }

        @Override
        public long freeMemoryBytes(final int hostId) {
          return Long.MAX_VALUE;
        }
      };

  private static final HostRoom NO_ROOM =
      new HostRoom() {
        @Override
        public int freeSlots(final int hostId) {
          return 0;
        }

        @Override
        public long freeMemoryBytes(final int hostId) {
          return 0;
        }
      };
}
