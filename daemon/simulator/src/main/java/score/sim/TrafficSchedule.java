package score.sim;

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
    this.current = initial;
  }

  /** Traffic that is the same in every round. */
  public static TrafficSchedule constant(final TrafficMatrix traffic) {
    return new TrafficSchedule(traffic, 1, null);
  }

  /** The traffic during round {@code round} (0 is the first); rounds past the last keep it. */
  public TrafficMatrix round(final int round) {
    if (nextRound == null) {
      return initial;
    }
    final int wanted = Math.min(Math.max(round, 0), rounds - 1);
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
}
