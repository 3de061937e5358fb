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

  public TenantTraffic(final TenantProfile profile, final int vms, final long seed) {
    if (vms < 1) {
      throw new IllegalArgumentException("at least one VM is needed");
    }
    this.profile = profile;
    this.vms = vms;
    this.random = new SplittableRandom(seed);
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
        builder.add(vm, otherMember(vm, tenant), rate(tenant));
      }
    }
    return builder.build();
  }

  /**
   * {@code current} plus the flows that appear before the next round ({@link
   * TenantProfile#newFlowsPerRound}): half between members of one tenant, half from a VM to a VM of
   * another tenant. {@code current} itself when none appear.
   */
  public TrafficMatrix nextRound(final TrafficMatrix current) {
    final long newFlows = Math.round(current.pairs() * profile.newFlowsPerRound());
    if (newFlows == 0) {
      return current;
    }
    final TrafficMatrix.Builder builder = TrafficMatrix.Builder.from(current);
    for (long f = 0; f < newFlows; f++) {
      final int vm = random.nextInt(vms);
      final int tenant = tenantOf[vm];
      final int peer =
          random.nextBoolean() && tenantSize(tenant) > 1
              ? otherMember(vm, tenant)
              : random.nextInt(vms);
      builder.add(vm, peer, rate(tenant));
    }
    return builder.build();
  }

  private int otherMember(final int vm, final int tenant) {
    final int start = tenantStart[tenant];
    final int k = random.nextInt(tenantSize(tenant) - 1);
    final int member = start + k;
    return member >= vm ? member + 1 : member;
  }

  private double rate(final int tenant) {
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
