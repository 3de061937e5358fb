package score.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.OvsCommandLine;
import score.agent.ovs.OvsFlowPoller;
import score.flowtable.FlowTable;

/**
 * Agent-side CPU of polling a real OVS bridge that holds {@code flows} counting rules, once per
 * interval (the paper's Fig. 3c point: 10,000 flows every second, 3.6 % of a core). Counts the
 * JVM's own CPU (poller, JIT, GC, the JVM's own periodic work) and the {@code ovs-ofctl} children
 * it runs; not ovs-vswitchd's. {@code run.sh} starts it with the agent's JVM options ({@code
 * bin/score}). Needs root and a running Open vSwitch; makes and removes its own bridge.
 */
final class PollCpu {
  private static final String BRIDGE = "scpcpu";

  private PollCpu() {}

  static void main(final String[] args) throws Exception {
    int flows = 10_000;
    int seconds = 30;
    long intervalMillis = 1_000;
    boolean text = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--flows" -> flows = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--interval-ms" -> intervalMillis = Long.parseLong(args[i + 1]);
        case "--path" -> text = args[i + 1].equals("text");
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    run(List.of("ovs-vsctl", "--if-exists", "del-br", BRIDGE));
    run(
        List.of(
            "ovs-vsctl", "add-br", BRIDGE, "--", "set", "bridge", BRIDGE, "datapath_type=netdev"));
    try (OvsCommandLine ovs = new OvsCommandLine(Duration.ofSeconds(flows > 20_000 ? 120 : 5))) {
      ovs.addFlows(BRIDGE, countingRules(flows));
      final FlowTable table = new FlowTable(Math.max(16, 2 * flows), 0);
      final long origin = System.nanoTime();
      final OvsFlowPoller poller =
          text
              ? new OvsFlowPoller(
                  ovs,
                  BRIDGE,
                  CountingPipeline.defaults(),
                  table,
                  () -> (System.nanoTime() - origin) / 1_000_000,
                  true)
              : new OvsFlowPoller(
                  ovs,
                  BRIDGE,
                  CountingPipeline.defaults(),
                  table,
                  () -> (System.nanoTime() - origin) / 1_000_000,
                  true,
                  ovs.openFlowStats());
      final int warmupPolls = warmUp(poller);
      if (table.size() != flows) {
        throw new IllegalStateException("table holds " + table.size() + " of " + flows + " flows");
      }
      final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
      final long pollsBefore = poller.stats().polls();
      final long jvmBefore = jvmCpuNanos();
      final long childrenBefore = childrenCpuNanos();
      final long wallBefore = System.nanoTime();
      poller.start(executor, Duration.ofMillis(intervalMillis), Duration.ofSeconds(10));
      Thread.sleep(seconds * 1_000L);
      poller.stop();
      executor.shutdown();
      executor.awaitTermination(10, TimeUnit.SECONDS);
      final double wall = System.nanoTime() - wallBefore;
      final double jvm = 100.0 * (jvmCpuNanos() - jvmBefore) / wall;
      final double children = 100.0 * (childrenCpuNanos() - childrenBefore) / wall;
      final long polls = poller.stats().polls() - pollsBefore;
      poller.removeRules();
      System.out.printf(
          Locale.ROOT,
          "polling %d flows every %d ms for %d s (%d polls): JVM %.2f %% of a core, ovs-ofctl"
              + " %.2f %%, agent total %.2f %%; last poll %.1f ms%n",
          flows,
          intervalMillis,
          seconds,
          polls,
          jvm,
          children,
          jvm + children,
          poller.stats().lastPollNanos() / 1e6);
      System.out.printf(
          Locale.ROOT,
          "{\"flows\":%d,\"intervalMillis\":%d,\"seconds\":%d,\"polls\":%d,\"jvmCpuPercent\":%.2f,"
              + "\"ovsOfctlCpuPercent\":%.2f,\"agentCpuPercent\":%.2f,\"lastPollMillis\":%.1f,"
              + "\"path\":\"%s\",\"binaryPolls\":%d,\"warmupPolls\":%d}%n",
          flows,
          intervalMillis,
          seconds,
          polls,
          jvm,
          children,
          jvm + children,
          poller.stats().lastPollNanos() / 1e6,
          text ? "text" : "binary",
          poller.binaryPolls(),
          warmupPolls);
    } finally {
      run(List.of("ovs-vsctl", "--if-exists", "del-br", BRIDGE));
    }
  }

  /**
   * Brings the poller to its steady state before anything is measured: 100 polls back to back, then
   * one a second until two in a row left the JIT compilers nothing to do (at most a minute), so the
   * figure is what a long-running agent pays each second, not its one-off compilation.
   *
   * @return the polls made
   */
  private static int warmUp(final OvsFlowPoller poller) throws Exception {
    final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    int polls = 0;
    for (; polls < 100; polls++) {
      poller.pollOnce();
    }
    // Then one poll a second, as the agent does, until two in a row compiled nothing.
    long compileMillis = compiler.getTotalCompilationTime();
    int quiet = 0;
    for (int second = 0; second < 60 && quiet < 2; second++) {
      Thread.sleep(1_000);
      poller.pollOnce();
      polls++;
      final long now = compiler.getTotalCompilationTime();
      quiet = now == compileMillis ? quiet + 1 : 0;
      compileMillis = now;
    }
    return polls;
  }

  /** Rules shaped like the learned ones: exact UDP 5-tuples in the count table. */
  private static List<String> countingRules(final int flows) {
    final CountingPipeline pipeline = CountingPipeline.defaults();
    final List<String> rules = new ArrayList<>(pipeline.rules());
    for (int flow = 0; flow < flows; flow++) {
      rules.add(
          "table="
              + pipeline.countTable()
              + ",priority=100,cookie=0x"
              + Long.toHexString(CountingPipeline.FLOW_COOKIE)
              + ",udp,nw_src=10.80."
              + (flow >> 8 & 0xFF)
              + "."
              + (flow & 0xFF)
              + ",nw_dst=10.81.0.1,tp_src="
              + (1024 + flow % 60_000)
              + ",tp_dst=5201,actions=drop");
    }
    return rules;
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU of reaped children (fields cutime and cstime of /proc/self/stat, in clock ticks). */
  private static long childrenCpuNanos() throws IOException {
    final String stat = Files.readString(Path.of("/proc/self/stat"));
    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command name, field 3 (state) is index 0; cutime is field 16, cstime 17.
    final long ticks = Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
    return ticks * 10_000_000L;
  }

  private static void run(final List<String> command) throws IOException, InterruptedException {
    final Process process = new ProcessBuilder(command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException(command + " failed");
    }
  }
}
