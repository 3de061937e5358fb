package score.core.plan;

import java.time.Duration;

/**
 * An Amendola et al. request: migrate M0 = {@code memory} dirtied at w̄ = {@code dirtyRate} with
 * T_MMT ≤ Δ_MMT = {@code maxMigrationTime}, T_SC ≤ Δ_SC = {@code maxStopAndCopy} and R ≤ R̄ =
 * {@code maxBandwidth}, spending energy per {@code power}.
 */
public record EnergyRequest(
    ByteSize memory,
    DirtyRate dirtyRate,
    Duration maxMigrationTime,
    Duration maxStopAndCopy,
    BitRate maxBandwidth,
    PowerModel power) {

  public EnergyRequest {
    if (memory.isZero()) {
      throw new IllegalArgumentException("memory must be more than 0 bytes");
    }
    if (maxMigrationTime.isNegative() || maxMigrationTime.isZero()) {
      throw new IllegalArgumentException("the deadline must be positive");
    }
    if (maxStopAndCopy.isNegative() || maxStopAndCopy.isZero()) {
      throw new IllegalArgumentException("the downtime limit must be positive");
    }
  }

  /** The same request with a new dirty rate, less memory and less time left (re-planning). */
  public EnergyRequest remainder(
      final ByteSize stillToSend, final Duration timeLeft, final DirtyRate observed) {
    return new EnergyRequest(stillToSend, observed, timeLeft, maxStopAndCopy, maxBandwidth, power);
  }
}
