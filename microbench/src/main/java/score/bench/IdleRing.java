package score.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import score.agent.control.ControlServer;
import score.protocol.ClusterKey;

/**
 * {@code microbench/run.sh idle-ring}: five real {@code score agent} processes on loopback, started
 * with {@code bin/score} as an operator would, with the default timing and no VMs; after start-up
 * (all in the majority, a token seen, then a settling time), the CPU each process uses over the
 * measured window, read from {@code /proc/PID/stat}.
 */
final class IdleRing {
  private static final int AGENTS = 5;
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private IdleRing() {}

  static void run(final String[] args) throws Exception {
    final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    final int settleSeconds = 10;
    final Path launcher = Path.of("bin/score");
    if (!Files.isRegularFile(Path.of("daemon/cli/target/score.jar"))) {
      throw new IllegalStateException(
          "daemon/cli/target/score.jar is missing: build with mvn package -DskipTests");
    }
    final Path dir = Files.createTempDirectory("score-idle-ring");
    final Path key = Files.writeString(dir.resolve("cluster.key"), ClusterKey.generate().toHex());
    final StringBuilder cluster = new StringBuilder("key-file " + key + "\n");
    for (int host = 1; host <= AGENTS; host++) {
      cluster.append("host ").append(host).append(" 127.0.0.1:").append(freePort()).append('\n');
    }
    final Path config = Files.writeString(dir.resolve("cluster.conf"), cluster);
    final List<Process> agents = new ArrayList<>();
    try {
      for (int host = 1; host <= AGENTS; host++) {
        agents.add(
            new ProcessBuilder(
                    launcher.toString(),
                    "agent",
                    "--config",
                    config.toString(),
                    "--host",
                    "" + host,
                    "--control",
                    dir.resolve(host + ".sock").toString(),
                    "--metrics",
                    "127.0.0.1:0")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(host + ".log").toFile())
                .start());
      }
      final long startedAt = System.nanoTime();
      waitForRing(dir);
      final double startupSeconds = (System.nanoTime() - startedAt) / 1e9;
      Thread.sleep(settleSeconds * 1_000L);
      final long sequenceBefore = status(dir, 1).path("tokenSequence").asLong();
      final long[] before = new long[AGENTS];
      for (int i = 0; i < AGENTS; i++) {
        before[i] = cpuTicks(agents.get(i).pid());
      }
      final long windowStart = System.nanoTime();
      Thread.sleep(seconds * 1_000L);
      final double wallSeconds = (System.nanoTime() - windowStart) / 1e9;
      double sum = 0;
      double max = 0;
      final long[] after = new long[AGENTS];
      for (int i = 0; i < AGENTS; i++) {
        after[i] = cpuTicks(agents.get(i).pid());
        final double percent =
            100.0 * (after[i] - before[i]) / CLOCK_TICKS_PER_SECOND / wallSeconds;
        sum += percent;
        max = Math.max(max, percent);
      }
      // A second window of the same length: by then the JVM's compilers have warmed up.
      final long steadyStart = System.nanoTime();
      Thread.sleep(seconds * 1_000L);
      final double steadyWall = (System.nanoTime() - steadyStart) / 1e9;
      double steadySum = 0;
      for (int i = 0; i < AGENTS; i++) {
        steadySum +=
            100.0
                * (cpuTicks(agents.get(i).pid()) - after[i])
                / CLOCK_TICKS_PER_SECOND
                / steadyWall;
      }
      final double steady = steadySum / AGENTS;
      boolean quorum = true;
      for (int host = 1; host <= AGENTS; host++) {
        quorum &= status(dir, host).path("quorum").asBoolean();
      }
      final long hops = status(dir, 1).path("tokenSequence").asLong() - sequenceBefore;
      System.out.printf(
          Locale.ROOT,
          "%d idle agents on loopback (default timing, idle rotation 10 s), measured %.0f s after"
              + " %.1f s of start-up and %d s settling: %.2f %% of a core each on average, %.2f %%"
              + " at most; the next %.0f s: %.2f %% each; %d token hops seen by host 1; all in the"
              + " majority: %s%n",
          AGENTS,
          wallSeconds,
          startupSeconds,
          settleSeconds,
          sum / AGENTS,
          max,
          steadyWall,
          steady,
          hops,
          quorum);
      System.out.printf(
          Locale.ROOT,
          "{\"agents\":%d,\"seconds\":%.0f,\"cpuPercentPerAgent\":%.3f,\"maxCpuPercent\":%.3f,"
              + "\"nextMinuteCpuPercentPerAgent\":%.3f,\"tokenHops\":%d,\"quorum\":%s}%n",
          AGENTS,
          wallSeconds,
          sum / AGENTS,
          max,
          steady,
          hops,
          quorum);
    } finally {
      for (final Process agent : agents) {
        agent.destroy();
      }
      for (final Process agent : agents) {
        if (!agent.waitFor(10, TimeUnit.SECONDS)) {
          agent.destroyForcibly();
        }
      }
    }
  }

  private static void waitForRing(final Path dir) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean ready = true;
      for (int host = 1; host <= AGENTS && ready; host++) {
        final JsonNode status = status(dir, host);
        ready = status.path("quorum").asBoolean() && status.path("lastTokenVms").asInt(-1) >= 0;
      }
      if (ready) {
        return;
      }
      // Asked once a second, as an operator's script would: each answer is JSON work for the
      // agent, and the measurement is of the ring, not of the control socket.
      Thread.sleep(1_000);
    }
    throw new IllegalStateException("the ring did not form within 60 s; logs in " + dir);
  }

  private static JsonNode status(final Path dir, final int host) {
    try {
      return ControlServer.request(dir.resolve(host + ".sock"), Map.of("command", "status"));
    } catch (final IOException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  /** utime + stime of process {@code pid} in clock ticks ({@code /proc/PID/stat} fields 14, 15). */
  private static long cpuTicks(final long pid) throws IOException {
    final String stat =
        Files.readString(Path.of("/proc", "" + pid, "stat"), StandardCharsets.UTF_8);
    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
