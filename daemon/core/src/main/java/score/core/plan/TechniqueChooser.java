package score.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Picks pre-copy or post-copy per VM to minimise max(S, D), where S = background_source + Σ tx of
 * pre-copied VMs and D = background_destination + Σ rx of post-copied VMs (the slides' contention).
 *
 * <p>Each VM adds its tx to one side or its rx to the other: a two-way partition with unequal
 * weights per side (scheduling on two unrelated machines), NP-hard in general. Up to {@link
 * #EXHAUSTIVE_MAX_VMS} VMs every assignment is tried. Beyond, {@link #dynamicProgramme} is used:
 *
 * <ol>
 *   <li>Upper bound U: each VM on its cheaper side. Then S + D = B_s + B_d + Σ min(tx, rx), which
 *       every assignment reaches or exceeds, so U ≤ S + D ≤ 2·OPT.
 *   <li>No VM with tx &gt; U − B_s can be pre-copied in an optimum, and the optimum's S ≤ U.
 *   <li>Grid g: the gcd of the tx rates if (U − B_s)/gcd ≤ {@link #GRID_CELLS}, else ⌈(U −
 *       B_s)/GRID_CELLS⌉. Knapsack-style DP over s = Σ ⌊tx/g⌋ of the pre-copied VMs keeps, for
 *       every s, the least exact D. Then the cell s of an optimum holds some D ≤ D_opt, and the
 *       chosen cell minimises max(B_s + g·s, D[s]) ≤ OPT; flooring lost less than g per pre-copied
 *       VM, so the true contention is below OPT + k·g for k VMs.
 * </ol>
 *
 * <p>With the gcd grid nothing is floored and the DP is exact (operators' whole-Mbps rates). With
 * the coarse grid g ≤ U/GRID_CELLS + 1 ≤ 2·OPT/GRID_CELLS + 1, so the result is within a factor 1 +
 * 2n/GRID_CELLS of the optimum (plus n bit/s): an FPTAS, O(n·GRID_CELLS) time. The bound actually
 * achieved, k·(g−1), is reported with the choice.
 */
public final class TechniqueChooser {
  /** Exhaustive search up to this many VMs (2^16 assignments in Gray-code order). */
  public static final int EXHAUSTIVE_MAX_VMS = 16;

  /** DP cells: bounds the relative error to 2n/32768 (0.4 % for 64 VMs). */
  public static final int GRID_CELLS = 1 << 15;

  private static final long UNREACHED = Long.MAX_VALUE;

  private TechniqueChooser() {}

  /** The best choice the sizes allow: exhaustive for small sets, the DP beyond. */
  public static TechniqueChoice choose(final Evacuation evacuation) {
    return evacuation.vms().size() <= EXHAUSTIVE_MAX_VMS
        ? exhaustive(evacuation)
        : dynamicProgramme(evacuation);
  }

  /** Every VM migrated with {@code technique}. */
  public static TechniqueChoice uniform(final Evacuation evacuation, final Technique technique) {
    return of(
        evacuation,
        Collections.nCopies(evacuation.vms().size(), technique),
        0,
        "all-" + technique.label());
  }

  /** The contention of a given assignment. */
  public static TechniqueChoice of(
      final Evacuation evacuation,
      final List<Technique> techniques,
      final long errorBound,
      final String method) {
    long source = evacuation.backgroundSource().bitsPerSecond();
    long destination = evacuation.backgroundDestination().bitsPerSecond();
    for (int i = 0; i < techniques.size(); i++) {
      final EvacuatingVm vm = evacuation.vms().get(i);
      if (techniques.get(i) == Technique.PRE_COPY) {
        source += vm.transmit().bitsPerSecond();
      } else {
        destination += vm.receive().bitsPerSecond();
      }
    }
    return new TechniqueChoice(techniques, source, destination, errorBound, method);
  }

  /** Tries all 2^n assignments, one VM flipped per step (Gray code), so O(2^n). */
  public static TechniqueChoice exhaustive(final Evacuation evacuation) {
    final int count = evacuation.vms().size();
    if (count > 30) {
      throw new IllegalArgumentException("exhaustive search of " + count + " VMs is too slow");
    }
    final long[] transmit = transmit(evacuation);
    final long[] receive = receive(evacuation);
    long source = evacuation.backgroundSource().bitsPerSecond();
    long destination = evacuation.backgroundDestination().bitsPerSecond();
    for (final long rate : receive) {
      destination += rate;
    }
    int mask = 0; // bit i set: VM i pre-copied; start with all post-copied
    long best = Math.max(source, destination);
    int bestMask = 0;
    for (int step = 1; step < 1 << count; step++) {
      final int vm = Integer.numberOfTrailingZeros(step);
      mask ^= 1 << vm;
      if ((mask & 1 << vm) != 0) {
        source += transmit[vm];
        destination -= receive[vm];
      } else {
        source -= transmit[vm];
        destination += receive[vm];
      }
      final long contention = Math.max(source, destination);
      if (contention < best) {
        best = contention;
        bestMask = mask;
      }
    }
    final List<Technique> techniques = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      techniques.add((bestMask & 1 << i) != 0 ? Technique.PRE_COPY : Technique.POST_COPY);
    }
    return of(evacuation, techniques, 0, "exhaustive");
  }

  /** The grid DP described in the class comment, for any number of VMs. */
  public static TechniqueChoice dynamicProgramme(final Evacuation evacuation) {
    final int count = evacuation.vms().size();
    final long[] transmit = transmit(evacuation);
    final long[] receive = receive(evacuation);
    final long backgroundSource = evacuation.backgroundSource().bitsPerSecond();
    final Technique[] greedy = new Technique[count];
    for (int i = 0; i < count; i++) {
      greedy[i] = transmit[i] <= receive[i] ? Technique.PRE_COPY : Technique.POST_COPY;
    }
    final TechniqueChoice cheaperSide = of(evacuation, Arrays.asList(greedy), 0, "greedy");
    final long span = cheaperSide.contentionBitsPerSecond() - backgroundSource;
    long grid = 0;
    int eligible = 0;
    for (final long rate : transmit) {
      if (rate <= span) {
        grid = gcd(grid, rate);
        eligible++;
      }
    }
    if (grid == 0) {
      grid = Math.max(span, 1); // every eligible tx is 0: one cell, nothing to floor
    }
    final boolean exact = span / grid <= GRID_CELLS;
    if (!exact) {
      grid = (span + GRID_CELLS - 1) / GRID_CELLS;
    }
    final int cells = (int) (span / grid);
    final int words = (cells >>> 6) + 1;
    final long[] least = new long[cells + 1];
    Arrays.fill(least, UNREACHED);
    least[0] = evacuation.backgroundDestination().bitsPerSecond();
    final long[][] preCopied = new long[count][words];
    final int[] weight = new int[count];
    for (int vm = 0; vm < count; vm++) {
      final long rx = receive[vm];
      final long[] bits = preCopied[vm];
      if (transmit[vm] > span) {
        weight[vm] = -1;
        for (int s = 0; s <= cells; s++) {
          if (least[s] != UNREACHED) {
            least[s] += rx;
          }
        }
        continue;
      }
      final int w = (int) (transmit[vm] / grid);
      weight[vm] = w;
      // Downwards, so least[s - w] still holds the value before this VM (0/1 knapsack).
      for (int s = cells; s >= 0; s--) {
        final long post = least[s] == UNREACHED ? UNREACHED : least[s] + rx;
        final long pre = s >= w ? least[s - w] : UNREACHED;
        if (pre < post) {
          least[s] = pre;
          bits[s >>> 6] |= 1L << s;
        } else {
          least[s] = post;
        }
      }
    }
    int bestCell = 0;
    long bestEstimate = UNREACHED;
    for (int s = 0; s <= cells; s++) {
      if (least[s] != UNREACHED) {
        final long estimate = Math.max(backgroundSource + grid * s, least[s]);
        if (estimate < bestEstimate) {
          bestEstimate = estimate;
          bestCell = s;
        }
      }
    }
    final Technique[] techniques = new Technique[count];
    int cell = bestCell;
    for (int vm = count - 1; vm >= 0; vm--) {
      if (weight[vm] >= 0 && (preCopied[vm][cell >>> 6] & 1L << cell) != 0) {
        techniques[vm] = Technique.PRE_COPY;
        cell -= weight[vm];
      } else {
        techniques[vm] = Technique.POST_COPY;
      }
    }
    final long bound = exact ? 0 : eligible * (grid - 1);
    final TechniqueChoice chosen =
        of(evacuation, Arrays.asList(techniques), bound, exact ? "dp-exact" : "dp-grid");
    if (cheaperSide.contentionBitsPerSecond() < chosen.contentionBitsPerSecond()) {
      return of(evacuation, cheaperSide.techniques(), bound, chosen.method());
    }
    return chosen;
  }

  private static long[] transmit(final Evacuation evacuation) {
    return evacuation.vms().stream().mapToLong(vm -> vm.transmit().bitsPerSecond()).toArray();
  }

  private static long[] receive(final Evacuation evacuation) {
    return evacuation.vms().stream().mapToLong(vm -> vm.receive().bitsPerSecond()).toArray();
  }

  private static long gcd(final long a, final long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      final long r = x % y;
      x = y;
      y = r;
    }
    return x;
  }
}
