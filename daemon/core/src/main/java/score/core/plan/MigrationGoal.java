package score.core.plan;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What is asked of one live migration: a deadline (the planner picks the bandwidth) or a fixed
 * bandwidth, the allowed downtime, the objective, the path's available bandwidth, and whether
 * post-copy may rescue a migration that pre-copy cannot finish in time.
 *
 * @param deadline finish within this (VMPatrol's Δ); empty when {@code bandwidth} is given
 * @param bandwidth migrate at this bandwidth; empty when {@code deadline} is given
 * @param pathBandwidth the path's available bandwidth R̄; required for {@link Objective#MIN_ENERGY}
 */
public record MigrationGoal(
    Optional<Duration> deadline,
    Optional<BitRate> bandwidth,
    Duration maxDowntime,
    Objective objective,
    Optional<BitRate> pathBandwidth,
    PowerModel power,
    boolean postCopyAllowed) {

  /** What the planner minimises under the deadline. */
  public enum Objective {
    MIN_BANDWIDTH("min-bandwidth"),
    MIN_ENERGY("min-energy");

    private final String label;

    Objective(final String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** The objective called {@code label}, as operators write it. */
    public static Objective parse(final String label) {
      for (final Objective objective : values()) {
        if (objective.label.equalsIgnoreCase(label)) {
          return objective;
        }
      }
      throw new IllegalArgumentException(
          "unknown objective '" + label + "': use min-bandwidth or min-energy");
    }
  }

  public MigrationGoal {
    Objects.requireNonNull(maxDowntime);
    if (deadline.isPresent() == bandwidth.isPresent()) {
      throw new IllegalArgumentException("give either a deadline or a bandwidth, not both");
    }
    if (deadline.isPresent() && !(deadline.get().toNanos() > 0)) {
      throw new IllegalArgumentException("the deadline must be positive");
    }
    if (bandwidth.isPresent() && bandwidth.get().bitsPerSecond() <= 0) {
      throw new IllegalArgumentException("the bandwidth must be positive");
    }
    if (maxDowntime.isNegative() || maxDowntime.isZero()) {
      throw new IllegalArgumentException("the downtime limit must be positive");
    }
    if (objective == Objective.MIN_ENERGY && deadline.isEmpty()) {
      throw new IllegalArgumentException("min-energy plans against a deadline: give one");
    }
    if (objective == Objective.MIN_ENERGY && pathBandwidth.isEmpty()) {
      throw new IllegalArgumentException("min-energy needs the path's bandwidth R̄");
    }
  }
}
