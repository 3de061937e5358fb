package score.core.plan;

import java.time.Duration;
import java.util.Optional;

/**
 * The pre-copy cost model of VMPatrol, Theorem 2.1 (Mann et al., from Remedy): with memory M, dirty
 * rate R and bandwidth L, round i sends M·(R/L)^i; the rounds stop once the rest fits the
 * switchover goal T (or progress falls below X); n rounds give N = M·(1-(R/L)^(n+1))/(1-R/L), time
 * N/L (eq. 1) and downtime W(L) = (M/L)·(R/L)^n (eq. 2).
 *
 * <p>Units cancel inside every ratio, so the arithmetic runs in bits and seconds.
 *
 * @param minProgress X, vMotion's minimum progress between rounds; KVM has no such rule (empty)
 */
public record PreCopyModel(
    ByteSize memory, DirtyRate dirtyRate, Duration switchoverGoal, Optional<ByteSize> minProgress) {

  public PreCopyModel {
    if (memory.isZero()) {
      throw new IllegalArgumentException("memory must be more than 0 bytes");
    }
    if (switchoverGoal.isNegative() || switchoverGoal.isZero()) {
      throw new IllegalArgumentException("the switchover goal (downtime limit) must be positive");
    }
  }

  public static PreCopyModel kvm(
      final ByteSize memory, final DirtyRate dirtyRate, final Duration downtimeLimit) {
    return new PreCopyModel(memory, dirtyRate, downtimeLimit, Optional.empty());
  }

  /** The model's prediction at {@code bandwidth}, which must exceed the dirty rate. */
  public PreCopyEstimate estimate(final BitRate bandwidth) {
    return estimate(bandwidth, rounds(bandwidth));
  }

  /** Theorem 2.1's n at {@code bandwidth}: the smaller of the switchover and progress rules. */
  public long rounds(final BitRate bandwidth) {
    final double memoryBits = memory.bits();
    final double dirtyBits = dirtyRate.bitsPerSecond();
    final double bandwidthBits = requireAboveDirtyRate(bandwidth);
    final long bySwitchover =
        switchoverRounds(
            memoryBits, dirtyBits, bandwidthBits, DurationText.seconds(switchoverGoal));
    if (minProgress.isEmpty() || dirtyBits == 0) {
      return bySwitchover;
    }
    return Math.min(
        bySwitchover,
        progressRounds(memoryBits, dirtyBits, bandwidthBits, minProgress.get().bits()));
  }

  /** The prediction at {@code bandwidth} with the number of rounds fixed by the caller. */
  public PreCopyEstimate estimate(final BitRate bandwidth, final long rounds) {
    final double bandwidthBits = requireAboveDirtyRate(bandwidth);
    final double ratio = dirtyRate.bitsPerSecond() / bandwidthBits;
    final double trafficBits = memory.bits() * geometricSum(ratio, rounds + 1);
    final double downtime = memory.bits() / bandwidthBits * Math.pow(ratio, rounds);
    return new PreCopyEstimate(
        bandwidth, rounds, trafficBits / 8, trafficBits / bandwidthBits, downtime);
  }

  /** Migration time N/L in seconds, without allocating: the planners' inner loop. */
  static double timeSeconds(
      final double memoryBits,
      final double dirtyBits,
      final double bandwidthBits,
      final double switchoverSeconds) {
    final long rounds = switchoverRounds(memoryBits, dirtyBits, bandwidthBits, switchoverSeconds);
    return memoryBits * geometricSum(dirtyBits / bandwidthBits, rounds + 1) / bandwidthBits;
  }

  /**
   * The least n ≥ 0 with (M/L)·(R/L)^n ≤ T, which is ⌈log_{R/L}(T·L/M)⌉ of Theorem 2.1 (clamped at
   * 0). The closed form is corrected by a step either way against floating-point rounding.
   */
  static long switchoverRounds(
      final double memoryBits,
      final double dirtyBits,
      final double bandwidthBits,
      final double switchoverSeconds) {
    final double firstCopySeconds = memoryBits / bandwidthBits;
    if (firstCopySeconds <= switchoverSeconds) {
      return 0;
    }
    if (dirtyBits == 0) {
      return 1; // nothing is dirtied during the first copy, so the stop-and-copy is empty
    }
    final double ratio = dirtyBits / bandwidthBits;
    final double exact = Math.log(switchoverSeconds * bandwidthBits / memoryBits) / Math.log(ratio);
    if (exact >= 9e18) {
      return Long.MAX_VALUE / 2;
    }
    long rounds = Math.max(1, (long) Math.ceil(exact));
    while (firstCopySeconds * Math.pow(ratio, rounds) > switchoverSeconds) {
      rounds++;
    }
    while (rounds > 1 && firstCopySeconds * Math.pow(ratio, rounds - 1) <= switchoverSeconds) {
      rounds--;
    }
    return rounds;
  }

  /**
   * The least n ≥ 0 with M·(R/L)^(n-1)·(1-R/L) ≤ X: round n-1 to round n shrank the copy by at most
   * X. This is ⌈log_{R/L}(X·R/(M·(L-R)))⌉ of Theorem 2.1.
   */
  static long progressRounds(
      final double memoryBits,
      final double dirtyBits,
      final double bandwidthBits,
      final double minProgressBits) {
    final double ratio = dirtyBits / bandwidthBits;
    final double target = minProgressBits * dirtyBits / (memoryBits * (bandwidthBits - dirtyBits));
    if (target >= 1) {
      return 0;
    }
    final double exact = Math.log(target) / Math.log(ratio);
    if (exact >= 9e18) {
      return Long.MAX_VALUE / 2;
    }
    long rounds = Math.max(0, (long) Math.ceil(exact));
    while (Math.pow(ratio, rounds) > target) {
      rounds++;
    }
    while (rounds > 0 && Math.pow(ratio, rounds - 1) <= target) {
      rounds--;
    }
    return rounds;
  }

  /** 1 + q + ... + q^(terms-1), accurate for q near 0 and near 1. */
  static double geometricSum(final double ratio, final long terms) {
    if (ratio == 0) {
      return 1;
    }
    if (ratio == 1) {
      return terms;
    }
    return -Math.expm1(terms * Math.log(ratio)) / (1 - ratio);
  }

  private double requireAboveDirtyRate(final BitRate bandwidth) {
    final double bandwidthBits = bandwidth.bitsPerSecond();
    if (!(bandwidthBits > dirtyRate.bitsPerSecond())) {
      throw new IllegalArgumentException(
          "bandwidth " + bandwidth + " is not above the dirty rate " + dirtyRate);
    }
    return bandwidthBits;
  }
}
