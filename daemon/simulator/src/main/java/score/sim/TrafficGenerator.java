package score.sim;

import java.util.SplittableRandom;
import score.core.decision.Topology;

/**
 * A seeded generator of data-centre traffic between VMs, shaped by the measurement studies S-CORE
 * builds its own generator on (section IV-A; {@link TrafficProfile} names each parameter's source):
 * an ordinary VM talks to a few VMs in its rack and a few outside it, a small share of busy VMs
 * talk to their whole rack or to 1-10 % of the VMs outside it, pair rates are heavy-tailed
 * (log-normal), and a few pairs of racks are hot spots: their VMs favour each other as outside
 * correspondents, at a higher rate (the few bright entries of a ToR traffic matrix, Fig. 2a).
 *
 * <p>"Rack" and "outside" refer to the initial allocation, as the studies describe servers where
 * they stand; that is what leaves room for migration to lower the cost. The same seed and inputs
 * always give the same matrix.
 */
public final class TrafficGenerator {
  private final TrafficProfile profile;

  public TrafficGenerator(final TrafficProfile profile) {
    this.profile = profile;
  }

  public TrafficMatrix generate(
      final Topology topology, final Allocation allocation, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed);
    final int vms = allocation.vms();
    final VmsByRack byRack = new VmsByRack(topology, allocation);
    final int racks = byRack.racks();
    // Hot spots are rack pairs (a few entries of the ToR traffic matrix stand out, Fig. 2a): each
    // hot rack gets one partner rack its VMs' outside correspondents favour.
    final int[] hotPartner = new int[racks];
    java.util.Arrays.fill(hotPartner, -1);
    final int hotPairs = racks < 2 ? 0 : (int) Math.round(racks * profile.hotRackFraction() / 2);
    for (int pair = 0; pair < hotPairs; pair++) {
      final int a = random.nextInt(racks);
      final int b = random.nextInt(racks);
      if (a != b && hotPartner[a] < 0 && hotPartner[b] < 0) {
        hotPartner[a] = b;
        hotPartner[b] = a;
      }
    }
    final TrafficMatrix.Builder builder = new TrafficMatrix.Builder(vms);
    for (int vm = 0; vm < vms; vm++) {
      final int rack = byRack.rackOfVm(vm);
      final boolean busy = random.nextDouble() < profile.busyFraction();
      if (busy && random.nextDouble() < profile.busyWholeRackShare()) {
        for (int k = 0; k < byRack.size(rack); k++) {
          addPair(builder, random, vm, byRack.vm(rack, k), false);
        }
      } else {
        final int inRack = poisson(random, profile.inRackPeersMean());
        for (int k = 0; k < inRack && byRack.size(rack) > 1; k++) {
          addPair(builder, random, vm, byRack.vm(rack, random.nextInt(byRack.size(rack))), false);
        }
      }
      final int outside =
          busy
              ? (int)
                  Math.min(
                      profile.busyOutsideCap(),
                      Math.round(vms * (0.01 + 0.09 * random.nextDouble())))
              : poisson(random, profile.outsidePeersMean());
      for (int k = 0; k < outside && racks > 1; k++) {
        final boolean hot = hotPartner[rack] >= 0 && random.nextDouble() < profile.hotRackShare();
        final int peerRack = hot ? hotPartner[rack] : outsideRack(random, byRack, rack);
        if (byRack.size(peerRack) == 0) {
          continue;
        }
        addPair(
            builder, random, vm, byRack.vm(peerRack, random.nextInt(byRack.size(peerRack))), hot);
      }
    }
    return builder.build();
  }

  private void addPair(
      final TrafficMatrix.Builder builder,
      final SplittableRandom random,
      final int vm,
      final int peer,
      final boolean hot) {
    if (peer == vm) {
      return;
    }
    final double rate =
        profile.medianBytesPerSecond()
            * Math.exp(profile.rateSigma() * gaussian(random))
            * (hot ? profile.hotRateFactor() : 1);
    builder.add(vm, peer, rate);
  }

  /** A rack other than {@code rack}: one of the same aggregation group, or any. */
  private int outsideRack(final SplittableRandom random, final VmsByRack byRack, final int rack) {
    final int racks = byRack.racks();
    for (int attempt = 0; attempt < 8; attempt++) {
      final int candidate =
          random.nextDouble() < profile.sameGroupShare()
              ? byRack.randomRackInGroupOf(random, rack)
              : random.nextInt(racks);
      if (candidate != rack) {
        return candidate;
      }
    }
    return (rack + 1 + random.nextInt(racks - 1)) % racks;
  }

  private static int poisson(final SplittableRandom random, final double mean) {
    return TenantTraffic.poisson(random, mean);
  }

  private static double gaussian(final SplittableRandom random) {
    return TenantTraffic.gaussian(random);
  }
}
