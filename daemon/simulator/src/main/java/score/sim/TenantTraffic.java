package score.sim;

import java.util.SplittableRandom;

/**
 * The paper scenario's traffic: VMs belong to applications (tenants) and talk with members of their
 * own tenant (S-CORE's premise, section I: the placement is network-agnostic, so the talkers are
 * spread; {@link InitialPlacement} places them without looking at the traffic). Tenants are
 * contiguous ranges of VM ids, which says nothing about where they run. Parameters and sources:
 * {@link TenantProfile}. The same profile, VM count and seed always give the same traffic, round
 * after round.
 */
public final class TenantTraffic {
  private final TenantProfile profile;
  private final int vms;
  private final int[] tenantStart;
  private final int[] tenantOf;
  private final double[] tenantFactor;
  private final SplittableRandom random;
  private final long seed;

  public TenantTraffic(final TenantProfile profile, final int vms, final long seed) {
    if (vms < 1) {
      throw new IllegalArgumentException("at least one VM is needed");
    }
    this.profile = profile;
    this.vms = vms;
    this.random = new SplittableRandom(seed);
    this.seed = seed;
    final int[] starts = new int[vms + 1];
    int tenants = 0;
    int next = 0;
    // 2 + a geometric number with the profile's mean, cut at the maximum (and at the VMs left).
    final double p = 1 / (profile.groupSizeMean() - 1);
    while (next < vms) {
      final int extra =
          p >= 1 ? 0 : (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
      final int size =
          (int) Math.min(Math.min((long) profile.groupSizeMax(), 2L + extra), vms - next);
      starts[tenants++] = next;
      next += size;
    }
    starts[tenants] = vms;
    this.tenantStart = java.util.Arrays.copyOf(starts, tenants + 1);
    this.tenantOf = new int[vms];
    this.tenantFactor = new double[tenants];
    for (int t = 0; t < tenants; t++) {
      java.util.Arrays.fill(tenantOf, tenantStart[t], tenantStart[t + 1], t);
      tenantFactor[t] = Math.exp(profile.tenantSigma() * gaussian(random));
    }
  }

  public int vms() {
    return vms;
  }

  public int tenants() {
    return tenantStart.length - 1;
  }

  public int tenantOf(final int vm) {
    return tenantOf[vm];
  }

  public int tenantSize(final int tenant) {
    return tenantStart[tenant + 1] - tenantStart[tenant];
  }

  /** The traffic at the start: each VM picks a few members of its tenant. */
  public TrafficMatrix initial() {
    final TrafficMatrix.Builder builder = new TrafficMatrix.Builder(vms);
    for (int vm = 0; vm < vms; vm++) {
      final int tenant = tenantOf[vm];
      final int size = tenantSize(tenant);
      if (size < 2) {
        continue;
      }
      final int picks = Math.min(size - 1, Math.max(1, poisson(random, profile.peersMean())));
      for (int k = 0; k < picks; k++) {
        // The tenant's first member is its hub (a front end or shared back end of a tiered
        // application): a share of every member's picks go to it.
        final int hub = tenantStart[tenant];
        final int peer =
            vm != hub && random.nextDouble() < profile.hubShare()
                ? hub
                : otherMember(random, vm, tenant);
        builder.add(vm, peer, rate(random, tenant));
      }
    }
    return builder.build();
  }

  /**
   * {@code current} plus the flows that appear before round {@code round} (1 for the second round,
   * …): {@link TenantProfile#newFlowsPerRound} of {@code initialPairs}, half between members of one
   * tenant, half from a VM to a VM of another tenant. A function of its arguments (its own random
   * stream per round), so a schedule can be replayed from the start without keeping every round's
   * matrix. {@code current} itself when no flow appears.
   */
  public TrafficMatrix nextRound(
      final TrafficMatrix current, final int round, final long initialPairs) {
    final long newFlows = Math.round(initialPairs * profile.newFlowsPerRound());
    if (newFlows == 0) {
      return current;
    }
    // A mixed seed per round: seeds a multiple of SplittableRandom's own step apart would give
    // the same stream shifted by a few draws, that is mostly the same flows again.
    final SplittableRandom flows = new SplittableRandom(mix(seed * 0x100000001B3L + round));
    final TrafficMatrix.Builder builder = TrafficMatrix.Builder.from(current);
    for (long f = 0; f < newFlows; f++) {
      final int vm = flows.nextInt(vms);
      final int tenant = tenantOf[vm];
      final int peer =
          flows.nextBoolean() && tenantSize(tenant) > 1
              ? otherMember(flows, vm, tenant)
              : flows.nextInt(vms);
      builder.add(vm, peer, rate(flows, tenant));
    }
    return builder.build();
  }

  /** The traffic of every round: the initial matrix, then new flows before each later round. */
  public TrafficSchedule schedule(final int rounds) {
    final TrafficMatrix initial = initial();
    final long initialPairs = initial.pairs();
    return new TrafficSchedule(
        initial,
        rounds,
        profile.newFlowsPerRound() == 0
            ? null
            : (matrix, round) -> nextRound(matrix, round, initialPairs));
  }

  /** MurmurHash3's 64-bit finaliser. */
  private static long mix(final long value) {
    long z = value;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private int otherMember(final SplittableRandom random, final int vm, final int tenant) {
    final int start = tenantStart[tenant];
    final int k = random.nextInt(tenantSize(tenant) - 1);
    final int member = start + k;
    return member >= vm ? member + 1 : member;
  }

  private double rate(final SplittableRandom random, final int tenant) {
    return profile.medianBytesPerSecond()
        * Math.exp(profile.rateSigma() * gaussian(random))
        * tenantFactor[tenant];
  }

  /** Knuth's method; the means here are small. */
  static int poisson(final SplittableRandom random, final double mean) {
    if (mean <= 0) {
      return 0;
    }
    final double limit = Math.exp(-mean);
    int count = 0;
    double product = random.nextDouble();
    while (product > limit) {
      count++;
      product *= random.nextDouble();
    }
    return count;
  }

  /** Standard normal by Box-Muller (one of the pair). */
  static double gaussian(final SplittableRandom random) {
    final double u = 1 - random.nextDouble();
    final double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
