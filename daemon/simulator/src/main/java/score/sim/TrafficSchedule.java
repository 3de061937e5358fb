package score.sim;

import java.util.List;

/**
 * The traffic of each round of a run (new flows appear between rounds, S-CORE Fig. 2b), kept as the
 * initial matrix and the current one only: a later round is built from the one before, and asking
 * for an earlier round replays from the start. Memory stays that of two matrices however many
 * rounds run. Not thread-safe.
 */
public final class TrafficSchedule {
  /** Builds round {@code round}'s traffic from the round before's. */
  @FunctionalInterface
  public interface NextRound {
    TrafficMatrix next(TrafficMatrix previous, int round);
  }

  private final TrafficMatrix initial;
  private final int rounds;
  private final NextRound nextRound;
  private final List<TrafficMatrix> fixed;
  private TrafficMatrix current;
  private int currentRound;

  /**
   * @param nextRound null when the traffic never changes
   */
  public TrafficSchedule(final TrafficMatrix initial, final int rounds, final NextRound nextRound) {
    if (rounds < 1) {
      throw new IllegalArgumentException("at least one round");
    }
    this.initial = initial;
    this.rounds = rounds;
    this.nextRound = nextRound;
    this.fixed = null;
    this.current = initial;
  }

  /** Rounds given matrix by matrix (beyond the list, its last). */
  public static TrafficSchedule of(final List<TrafficMatrix> perRound) {
    return new TrafficSchedule(perRound);
  }

  private TrafficSchedule(final List<TrafficMatrix> perRound) {
    if (perRound.isEmpty()) {
      throw new IllegalArgumentException("the traffic of at least one round is needed");
    }
    this.initial = perRound.get(0);
    this.rounds = perRound.size();
    this.nextRound = null;
    this.fixed = List.copyOf(perRound);
    this.current = initial;
  }

  /** The traffic during round {@code round} (0 is the first); rounds past the last keep it. */
  public TrafficMatrix round(final int round) {
    final int wanted = Math.min(Math.max(round, 0), rounds - 1);
    if (fixed != null) {
      return fixed.get(Math.min(wanted, fixed.size() - 1));
    }
    if (nextRound == null) {
      return initial;
    }
    if (wanted < currentRound) {
      current = initial;
      currentRound = 0;
    }
    while (currentRound < wanted) {
      currentRound++;
      current = nextRound.next(current, currentRound);
    }
    return current;
  }

  /** The traffic of the last round. */
  public TrafficMatrix last() {
    return round(rounds - 1);
  }

  /** Whether round {@code round} brings traffic the round before did not have. */
  public boolean changesAt(final int round) {
    return round > 0
        && round < rounds
        && (nextRound != null
            || (fixed != null && round < fixed.size() && fixed.get(round) != fixed.get(round - 1)));
  }
}
