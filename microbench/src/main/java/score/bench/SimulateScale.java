package score.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;
import score.sim.Allocation;
import score.sim.InitialPlacement;
import score.sim.Simulator;
import score.sim.TenantProfile;
import score.sim.TenantTraffic;
import score.sim.TrafficGenerator;
import score.sim.TrafficMatrix;
import score.sim.TrafficProfile;
import score.sim.TrafficSchedule;

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
    final long peakHeapBytes = peakHeapBytes();
    final double heapGib = peakHeapBytes / (double) GIB;
    final double maxHeapGib = runtime.maxMemory() / (double) GIB;
    final String huge = hugeInChild();
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
            + "\"peakHeapGib\":%.2f,\"maxHeapGib\":%.1f,%s}%n",
        paperRound,
        large.topology().hosts(),
        large.traffic().vms(),
        setupSeconds,
        largeSeconds,
        setupSeconds + largeSeconds,
        reduction,
        heapGib,
        maxHeapGib,
        huge);
  }

  /**
   * The 1,000,000-host run in a JVM of its own (its peak heap is its own, with a 16 GiB cap): the
   * paper scenario as {@code score simulate} builds it, three load-aware rounds, set-up included in
   * the time. Returns its JSON fields.
   */
  private static String hugeInChild() {
    try {
      final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      final String jar =
          Path.of(SimulateScale.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
      final Process child =
          new ProcessBuilder(java, "-Xmx16g", "-cp", jar, SimulateScale.class.getName())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
        throw new IllegalStateException("the 1,000,000-host run failed: " + out);
      }
      final String[] lines = out.strip().split("\n");
      for (int i = 0; i < lines.length - 1; i++) {
        System.out.println(lines[i]);
      }
      final String json = lines[lines.length - 1];
      return json.substring(1, json.length() - 1);
    } catch (final java.io.IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot start the 1,000,000-host run: " + e, e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The heap's peak so far: the sum of the heap pools' peaks (an upper bound). */
  private static long peakHeapBytes() {
    long peak = 0;
    for (final java.lang.management.MemoryPoolMXBean pool :
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** The child's entry point: the 1,000,000-host run. */
  public static void main(final String[] args) {
    final long started = System.nanoTime();
    final Topology topology = Topology.fanout(25, 40, 25, 40);
    final int rounds = 3;
    final int[] hostOf = InitialPlacement.RANDOM.place(topology.hosts(), 8, 16, 1);
    final long[] memory = new long[hostOf.length];
    Arrays.fill(memory, GIB);
    final Allocation initial = new Allocation(topology.hosts(), 16, 16 * GIB, hostOf, memory);
    final TrafficSchedule traffic =
        new TenantTraffic(TenantProfile.DEFAULTS, hostOf.length, 1).schedule(rounds);
    // The first round's traffic; later rounds' are built as the run reaches them.
    traffic.round(0);
    final double setupSeconds = (System.nanoTime() - started) / 1e9;
    final Simulator simulator =
        new Simulator(
            topology,
            LinkWeights.paperDefaults(topology.maxLevel()),
            traffic,
            MigrationDecider.CandidateRule.PAPER);
    final Simulator.Run run =
        simulator.run(TokenPolicy.LOAD_AWARE, initial, rounds, MigrationCost.ZERO);
    final double seconds = (System.nanoTime() - started) / 1e9;
    final TrafficMatrix last = traffic.last();
    final long peakHeapBytes = peakHeapBytes();
    final double unmoved =
        score.sim.OverallCost.of(
            last, initial, topology, LinkWeights.paperDefaults(topology.maxLevel()));
    final double reduction = 100 * (1 - run.finalCost() / unmoved);
    System.out.printf(
        Locale.ROOT,
        "1,000,000 hosts (%d VMs, %d pairs at the end), paper scenario: set-up %.1f s, with 3"
            + " load-aware rounds %.1f s, %.1f %% lower, peak heap %.2f GiB%n",
        initial.vms(),
        last.pairs(),
        setupSeconds,
        seconds,
        reduction,
        peakHeapBytes / (double) GIB);
    System.out.printf(
        Locale.ROOT,
        "{\"hugeHosts\":%d,\"hugeVms\":%d,\"hugeSetupSeconds\":%.1f,\"hugeSeconds\":%.1f,"
            + "\"hugeReductionPct\":%.1f,\"hugePeakHeapGib\":%.2f}%n",
        topology.hosts(),
        initial.vms(),
        setupSeconds,
        seconds,
        reduction,
        peakHeapBytes / (double) GIB);
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
