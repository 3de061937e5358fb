package score.bench;

import java.util.Arrays;
import java.util.Locale;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;
import score.sim.Allocation;
import score.sim.Simulator;
import score.sim.TrafficGenerator;
import score.sim.TrafficMatrix;
import score.sim.TrafficProfile;

/**
 * The simulator at scale (wall clock, one thread): one round of load-aware on the paper's set-up,
 * and 3 rounds on a 100,000-host data centre, with the heap the run needed.
 */
final class SimulateScale {
  private SimulateScale() {}

  private static final long GIB = 1L << 30;

  static void run() {
    final Setup paper = Setup.of(Topology.fanout(20, 16, 4, 2), 8, 16, 1);
    // Warm up the JIT on the small case, then take the median of five single rounds.
    final double[] roundSeconds = new double[5];
    for (int i = -2; i < roundSeconds.length; i++) {
      final long started = System.nanoTime();
      paper.simulator().run(TokenPolicy.LOAD_AWARE, paper.allocation(), 1, MigrationCost.ZERO);
      if (i >= 0) {
        roundSeconds[i] = (System.nanoTime() - started) / 1e9;
      }
    }
    Arrays.sort(roundSeconds);
    final double paperRound = roundSeconds[roundSeconds.length / 2];

    System.gc();
    final long setupStarted = System.nanoTime();
    final Setup large = Setup.of(Topology.fanout(25, 40, 25, 4), 8, 16, 1);
    final double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
    final long started = System.nanoTime();
    final Simulator.Run run =
        large.simulator().run(TokenPolicy.LOAD_AWARE, large.allocation(), 3, MigrationCost.ZERO);
    final double largeSeconds = (System.nanoTime() - started) / 1e9;
    final Runtime runtime = Runtime.getRuntime();
    long peakHeapBytes = 0;
    for (final java.lang.management.MemoryPoolMXBean pool :
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        peakHeapBytes += pool.getPeakUsage().getUsed();
      }
    }
    final double heapGib = peakHeapBytes / (double) GIB;
    final double maxHeapGib = runtime.maxMemory() / (double) GIB;
    final double reduction = 100 * (1 - run.finalCost() / run.costPerRound()[0]);
    System.out.printf(
        Locale.ROOT,
        "paper set-up (2,560 hosts, 20,480 VMs): one load-aware round %.3f s; 100,000 hosts"
            + " (800,000 VMs, %d pairs): set-up %.1f s, 3 load-aware rounds %.1f s, %.1f %% lower,"
            + " peak heap %.2f GiB of %.1f GiB (sum of pool peaks)%n",
        paperRound,
        large.traffic().pairs(),
        setupSeconds,
        largeSeconds,
        reduction,
        heapGib,
        maxHeapGib);
    System.out.printf(
        Locale.ROOT,
        "{\"paperRoundSeconds\":%.3f,\"largeHosts\":%d,\"largeVms\":%d,\"largeSetupSeconds\":%.1f,"
            + "\"largeThreeRoundsSeconds\":%.1f,\"largeSeconds\":%.1f,\"largeReductionPct\":%.1f,"
            + "\"peakHeapGib\":%.2f,\"maxHeapGib\":%.1f}%n",
        paperRound,
        large.topology().hosts(),
        large.traffic().vms(),
        setupSeconds,
        largeSeconds,
        setupSeconds + largeSeconds,
        reduction,
        heapGib,
        maxHeapGib);
  }

  private record Setup(
      Topology topology, Allocation allocation, TrafficMatrix traffic, Simulator simulator) {
    static Setup of(
        final Topology topology, final int vmsPerHost, final int slots, final long seed) {
      final Allocation allocation = Allocation.filled(topology.hosts(), vmsPerHost, slots, GIB);
      final TrafficMatrix traffic =
          new TrafficGenerator(TrafficProfile.DEFAULTS).generate(topology, allocation, seed);
      return new Setup(
          topology,
          allocation,
          traffic,
          new Simulator(topology, LinkWeights.paperDefaults(topology.maxLevel()), traffic));
    }
  }
}
