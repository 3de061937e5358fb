package score.sim;

import java.util.SplittableRandom;

/**
 * Where a scheduler that knows nothing of traffic puts the VMs (S-CORE's premise: a
 * network-agnostic placement, abstract and section I). VM requests arrive in random order: the
 * tenants of {@link TenantTraffic} ask for their VMs at different times, so a VM's arrival says
 * nothing about whom it talks to.
 */
public enum InitialPlacement {
  /** A spreading scheduler: VMs in arrival order, the same number on every host. */
  RANDOM,
  /** A packing scheduler: VMs in arrival order, each on the first host with a free slot. */
  FIRST_FIT;

  /**
   * Each VM's host.
   *
   * @param vmsPerHost VMs per host for {@link #RANDOM}; the number of VMs is {@code hosts ×
   *     vmsPerHost} and {@link #FIRST_FIT} fills hosts to {@code slots} in order
   */
  public int[] place(final int hosts, final int vmsPerHost, final int slots, final long seed) {
    return placeVms(Math.multiplyExact(hosts, vmsPerHost), vmsPerHost, slots, seed);
  }

  /**
   * Each of {@code vms} VMs' host (at most hosts × vmsPerHost of them, as from a traffic file):
   * {@link #RANDOM} fills hosts to {@code vmsPerHost} in arrival order, {@link #FIRST_FIT} to
   * {@code slots}.
   */
  public int[] placeVms(final int vms, final int vmsPerHost, final int slots, final long seed) {
    final int[] arrival = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      arrival[vm] = vm;
    }
    final SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = vms - 1; i > 0; i--) {
      final int j = random.nextInt(i + 1);
      final int swap = arrival[i];
      arrival[i] = arrival[j];
      arrival[j] = swap;
    }
    final int perHost = this == RANDOM ? vmsPerHost : slots;
    final int[] hostOf = new int[vms];
    for (int k = 0; k < vms; k++) {
      hostOf[arrival[k]] = k / perHost;
    }
    return hostOf;
  }
}
