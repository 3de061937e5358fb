package score.core.plan;

import java.time.Duration;
import java.util.Optional;

/** Migration goals the planner's and the broker's tests share: 300 ms downtime, least bandwidth. */
final class Goals {
  static final PowerModel POWER =
      new PowerModel(Power.ofWatts(2), Power.ofWatts(2), BitRate.parse("1Gbps"), 2);

  private Goals() {}

  /** Finish within {@code deadline}. */
  static MigrationGoal deadline(final Duration deadline, final boolean postCopy) {
    return new MigrationGoal(
        Optional.of(deadline),
        Optional.empty(),
        Duration.ofMillis(300),
        MigrationGoal.Objective.MIN_BANDWIDTH,
        Optional.empty(),
        POWER,
        postCopy);
  }

  /** Run at {@code bandwidth}. */
  static MigrationGoal bandwidth(final BitRate bandwidth, final boolean postCopy) {
    return new MigrationGoal(
        Optional.empty(),
        Optional.of(bandwidth),
        Duration.ofMillis(300),
        MigrationGoal.Objective.MIN_BANDWIDTH,
        Optional.empty(),
        POWER,
        postCopy);
  }
}
