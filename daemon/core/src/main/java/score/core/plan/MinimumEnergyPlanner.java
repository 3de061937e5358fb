package score.core.plan;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Amendola et al.'s minimum-energy bandwidth: minimise E(R) = P(R)·T_MMT(R) subject to T_MMT ≤
 * Δ_MMT, T_SC ≤ Δ_SC and R ≤ R̄.
 *
 * <p>Rounds. Formula (4), Ī_MAX = ⌈log(M0/(Δ_SC·R̄)) / log(R̄/w̄) − 1⌉, is the fewest pre-copy
 * rounds after which a stop-and-copy at the full R̄ fits Δ_SC: it is Theorem 2.1's n at L = R̄,
 * minus one. It is fixed before the migration, so n = Ī_MAX + 1 transfers follow the first copy
 * whatever R is chosen, and then T_MMT(R) = Σ_{i=0..n} M0·w̄^i/R^(i+1) and T_SC(R) =
 * M0·w̄^n/R^(n+1).
 *
 * <p>Feasible set. Both times fall as R grows, so the constraints cut out one interval [R_lo, R̄]
 * with R_lo = max(just above w̄, (M0·w̄^n/Δ_SC)^(1/(n+1)), the least R with T_MMT ≤ Δ_MMT).
 *
 * <p>Optimum. With P(R) a posynomial ({@link PowerModel}), E(R) is a sum of c_k·R^(a_k) with c_k ≥
 * 0, hence convex in y = ln R: dE/dy is increasing, a bisection on its sign finds the unique
 * continuous minimiser R*, and the best whole bit per second is ⌊R*⌋ or ⌈R*⌉ clipped to the
 * interval. No grid, no local minima.
 */
public final class MinimumEnergyPlanner {
  private static final int BISECTION_STEPS = 200;

  /** More rounds than any hypervisor runs (Xen stops at 30): the dirty rate is about R̄. */
  private static final long MAX_ROUNDS = 100_000;

  private MinimumEnergyPlanner() {}

  /**
   * The plan for {@code request}.
   *
   * @throws InfeasiblePlanException if no R ≤ R̄ meets both limits
   */
  public static EnergyPlan plan(final EnergyRequest request) {
    final double memoryBits = request.memory().bits();
    final double dirtyBits = request.dirtyRate().bitsPerSecond();
    final double maxBits = request.maxBandwidth().bitsPerSecond();
    final double stopCopySeconds = DurationText.seconds(request.maxStopAndCopy());
    final double deadlineSeconds = DurationText.seconds(request.maxMigrationTime());
    if (!(maxBits > dirtyBits)) {
      throw new InfeasiblePlanException(
          String.format(
              Locale.ROOT,
              "dirty rate %.3f Mbps is not below the path's bandwidth %.3f Mbps: formula (4)"
                  + " needs R̄ > w̄; give a bandwidth above %.3f Mbps",
              dirtyBits / 1e6,
              maxBits / 1e6,
              dirtyBits / 1e6),
          Optional.empty(),
          Optional.of(new BitRate((long) Math.floor(dirtyBits) + 1)));
    }
    final long rounds =
        PreCopyModel.switchoverRounds(memoryBits, dirtyBits, maxBits, stopCopySeconds);
    if (rounds > MAX_ROUNDS) {
      throw new InfeasiblePlanException(
          String.format(
              Locale.ROOT,
              "formula (4) asks for %d rounds: the dirty rate %.3f Mbps is too close to %.3f Mbps",
              rounds,
              dirtyBits / 1e6,
              maxBits / 1e6),
          Optional.empty(),
          Optional.empty());
    }
    final long maxBandwidth = request.maxBandwidth().bitsPerSecond();
    final long low =
        Math.max(
            Math.max((long) Math.floor(dirtyBits) + 1, leastForStopCopy(request, rounds)),
            leastForDeadline(memoryBits, dirtyBits, rounds, deadlineSeconds, maxBandwidth));
    final PreCopyModel model =
        PreCopyModel.kvm(request.memory(), request.dirtyRate(), request.maxStopAndCopy());
    if (low > maxBandwidth) {
      final PreCopyEstimate atMax = model.estimate(request.maxBandwidth(), rounds);
      final Duration leastDeadline = InfeasiblePlanException.ceilMillis(atMax.timeSeconds());
      throw new InfeasiblePlanException(
          String.format(
              Locale.ROOT,
              "deadline %.3f s is below what the path allows: with %d rounds at %.3f Mbps the"
                  + " migration takes %.3f s; the least deadline is %.3f s",
              deadlineSeconds,
              rounds,
              maxBits / 1e6,
              atMax.timeSeconds(),
              leastDeadline.toMillis() / 1e3),
          Optional.of(leastDeadline),
          Optional.empty());
    }
    final long best = minimiser(request, rounds, low, maxBandwidth);
    final PreCopyEstimate optimum = model.estimate(new BitRate(best), rounds);
    final PreCopyEstimate least = model.estimate(new BitRate(low), rounds);
    return new EnergyPlan(
        optimum, request.power().joules(optimum), least, request.power().joules(least), rounds - 1);
  }

  /**
   * Adaptive tracking: re-plans the rest of a running migration when the dirty rate is measured
   * again. The dirty set still to send is migrated as if it were the whole memory, in the time that
   * is left, under the same Δ_SC, R̄ and power model; formula (4) is applied afresh.
   */
  public static EnergyPlan replan(
      final EnergyRequest original, final MigrationProgress progress, final DirtyRate observed) {
    final Duration left = original.maxMigrationTime().minus(progress.elapsed());
    if (left.isNegative() || left.isZero()) {
      throw new InfeasiblePlanException(
          "the deadline has passed after " + progress.elapsed().toMillis() + " ms",
          Optional.empty(),
          Optional.empty());
    }
    if (progress.stillToSend().isZero()) {
      throw new IllegalArgumentException("nothing is left to send");
    }
    return plan(original.remainder(progress.stillToSend(), left, observed));
  }

  /** Formula (4) as printed, for comparison with the exact round count this class uses. */
  public static long formula4(
      final ByteSize memory,
      final DirtyRate dirtyRate,
      final Duration maxStopAndCopy,
      final BitRate maxBandwidth) {
    final double maxBits = maxBandwidth.bitsPerSecond();
    return (long)
        Math.ceil(
            Math.log(memory.bits() / (DurationText.seconds(maxStopAndCopy) * maxBits))
                    / Math.log(maxBits / dirtyRate.bitsPerSecond())
                - 1);
  }

  /** The least whole R with M0·w̄^n/R^(n+1) ≤ Δ_SC. */
  private static long leastForStopCopy(final EnergyRequest request, final long rounds) {
    final double memoryBits = request.memory().bits();
    final double dirtyBits = request.dirtyRate().bitsPerSecond();
    final double seconds = DurationText.seconds(request.maxStopAndCopy());
    if (rounds > 0 && dirtyBits == 0) {
      return 1;
    }
    final double root =
        Math.exp(
            (Math.log(memoryBits) + rounds * Math.log(dirtyBits) - Math.log(seconds))
                / (rounds + 1));
    long least = Math.max(1, (long) Math.floor(root) - 2);
    while (stopCopySeconds(memoryBits, dirtyBits, least, rounds) > seconds) {
      least++;
    }
    return least;
  }

  private static double stopCopySeconds(
      final double memoryBits, final double dirtyBits, final double rate, final long rounds) {
    return memoryBits / rate * Math.pow(dirtyBits / rate, rounds);
  }

  private static double migrationSeconds(
      final double memoryBits, final double dirtyBits, final double rate, final long rounds) {
    return memoryBits / rate * PreCopyModel.geometricSum(dirtyBits / rate, rounds + 1);
  }

  /** The least whole R ≤ cap + 1 with T_MMT(R) ≤ Δ_MMT; T_MMT falls in R (bracket as VMPatrol). */
  private static long leastForDeadline(
      final double memoryBits,
      final double dirtyBits,
      final long rounds,
      final double deadlineSeconds,
      final long cap) {
    long low =
        Math.max((long) Math.floor(dirtyBits) + 1, (long) Math.floor(memoryBits / deadlineSeconds));
    long high = Math.min(cap + 1, (long) Math.ceil(dirtyBits + memoryBits / deadlineSeconds) + 1);
    if (low >= high) {
      return low;
    }
    if (migrationSeconds(memoryBits, dirtyBits, high, rounds) > deadlineSeconds) {
      return cap + 1;
    }
    while (low < high) {
      final long middle = low + (high - low) / 2;
      if (migrationSeconds(memoryBits, dirtyBits, middle, rounds) <= deadlineSeconds) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  /** Bisection on the sign of dE/d(ln R) over [low, high], then the better neighbouring integer. */
  private static long minimiser(
      final EnergyRequest request, final long rounds, final long low, final long high) {
    double left = Math.log(low);
    double right = Math.log(high);
    if (slope(request, rounds, left) >= 0) {
      return low;
    }
    if (slope(request, rounds, right) <= 0) {
      return high;
    }
    for (int step = 0; step < BISECTION_STEPS && right - left > 1e-15; step++) {
      final double middle = 0.5 * (left + right);
      if (slope(request, rounds, middle) < 0) {
        left = middle;
      } else {
        right = middle;
      }
    }
    final double continuous = Math.exp(0.5 * (left + right));
    final long below = Math.min(high, Math.max(low, (long) Math.floor(continuous)));
    final long above = Math.min(high, below + 1);
    return energy(request, rounds, above) < energy(request, rounds, below) ? above : below;
  }

  static double energy(final EnergyRequest request, final long rounds, final double rate) {
    return request.power().watts(rate)
        * migrationSeconds(
            request.memory().bits(), request.dirtyRate().bitsPerSecond(), rate, rounds);
  }

  /** dE/dy at R = e^y: α·P_dyn(R)·T(R) + P(R)·dT/dy, with dT/dy = −(M0/R)·Σ (i+1)·(w̄/R)^i. */
  private static double slope(
      final EnergyRequest request, final long rounds, final double logRate) {
    final double rate = Math.exp(logRate);
    final double memoryBits = request.memory().bits();
    final double ratio = request.dirtyRate().bitsPerSecond() / rate;
    double time = 0;
    double weighted = 0;
    double power = 1;
    for (long i = 0; i <= rounds && power > 0; i++) {
      time += power;
      weighted += (i + 1) * power;
      power *= ratio;
    }
    time *= memoryBits / rate;
    weighted *= memoryBits / rate;
    final PowerModel model = request.power();
    return model.exponent() * model.dynamicWatts(rate) * time - model.watts(rate) * weighted;
  }
}
