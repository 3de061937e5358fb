package score.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/**
 * {@code microbench/run.sh migrate}: real live migrations on the data-centre test bed (four hosts
 * in two racks, deploy/testbed.sh) with {@code bin/score migrate --deadline} as an operator runs
 * it, one guest per dirty rate (256 MiB, dirtying a 160 MiB buffer at 500, 2,000 and 5,000
 * pages/s), from h1 in rack 1 to h3 in rack 2. For each: the planner's prediction at the applied
 * bandwidth against the measured time, the deadline, and whether the guest's heartbeat went on on
 * the destination with the same boot and no page lost.
 *
 * <p>{@code microbench/run.sh migrate-background}: S-CORE's Fig. 4b/4c on the bed: one guest
 * migrated at a fixed bandwidth over h1's uplink limited to 200 Mbit/s, with no background traffic
 * and with UDP background traffic of two levels on the same link (iperf3 from h1 to h3).
 */
final class MigrateBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MigrateBench() {}

  /** One migration as {@code score migrate --json} reported it, and the guest's fate. */
  private record Run(String label, JsonNode result, boolean guestIntact) {
    double predicted() {
      return result.path("predictedSeconds").asDouble();
    }

    double measured() {
      return result.path("measuredSeconds").asDouble();
    }

    double errorPercent() {
      return 100 * Math.abs(measured() - predicted()) / predicted();
    }
  }

  static void deadlines(final String[] args) throws Exception {
    final double deadlineSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    final int[] rates = {500, 2000, 5000};
    final List<Run> runs = new ArrayList<>();
    try (DataCentreBed bed = bed()) {
      final Path cluster = bed.clusterFile();
      for (int i = 0; i < rates.length; i++) {
        final String vm = "dl" + rates[i];
        final Path log =
            bed.startGuest(
                1, vm, "10.210.1." + (40 + i), "--memory 256 tb.mem=160 tb.dirty=" + rates[i]);
        final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
        final JsonNode result =
            migrate(
                cluster, vm, "h3", List.of("--deadline", (long) (deadlineSeconds * 1000) + "ms"));
        runs.add(new Run(rates[i] + " pages/s", result, intact(log, before)));
        TestBed.exec(List.of("virsh", "-c", bed.uri(3), "destroy", vm), 30);
        TestBed.exec(List.of("virsh", "-c", bed.uri(1), "destroy", vm), 30);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "| dirty rate | sampled | planned | applied | predicted | measured | error | deadline"
            + " %.0f s | data | downtime | guest |%n|---|---|---|---|---|---|---|---|---|---|---|%n",
        deadlineSeconds);
    double maxError = 0;
    int deadlinesMet = 0;
    int intact = 0;
    for (final Run run : runs) {
      final JsonNode r = run.result();
      final boolean met =
          "completed".equals(r.path("outcome").asText()) && run.measured() <= deadlineSeconds;
      maxError = Math.max(maxError, run.errorPercent());
      deadlinesMet += met ? 1 : 0;
      intact += run.guestIntact() ? 1 : 0;
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f pages/s | %.1f Mbps | %.1f Mbps | %.2f s | %.2f s | %+.1f %% | %s |"
              + " %.0f MiB | %d ms | %s |%n",
          run.label(),
          r.path("dirtyRatePagesPerSecond").asDouble(),
          r.path("plannedBandwidthMbps").asDouble(),
          r.path("appliedBandwidthMbps").asDouble(),
          run.predicted(),
          run.measured(),
          100 * (run.measured() - run.predicted()) / run.predicted(),
          met ? "met" : "MISSED",
          r.path("dataMiB").asDouble(),
          r.path("downtimeMillis").asLong(),
          run.guestIntact() ? "intact" : "LOST");
    }
    System.out.printf(
        Locale.ROOT,
        "{\"migrations\":%d,\"deadlineSeconds\":%.1f,\"maxPredictionErrorPct\":%.1f,"
            + "\"deadlinesMet\":%d,\"guestsIntact\":%d}%n",
        runs.size(),
        deadlineSeconds,
        maxError,
        deadlinesMet,
        intact);
  }

  static void background(final String[] args) throws Exception {
    final String linkRate = "200mbit";
    final String migrationBandwidth = "160Mbps";
    final int[] backgroundMbps = {0, 60, 120};
    final List<Run> runs = new ArrayList<>();
    try (DataCentreBed bed = bed()) {
      final Path cluster = bed.clusterFile();
      // h1's uplink becomes a 200 Mbit/s link; iperf3 on h3 receives the background traffic.
      bed.exec(
          1,
          List.of(
              "tc", "qdisc", "replace", "dev", "up0", "root", "tbf", "rate", linkRate, "burst",
              "256kb", "latency", "50ms"),
          10);
      for (int i = 0; i < backgroundMbps.length; i++) {
        final String vm = "bg" + backgroundMbps[i];
        final Path log =
            bed.startGuest(1, vm, "10.210.1." + (50 + i), "--memory 128 tb.mem=40 tb.dirty=1000");
        final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
        Process iperfServer = null;
        Process iperfClient = null;
        try {
          if (backgroundMbps[i] > 0) {
            iperfServer =
                new ProcessBuilder(
                        TestBed.script("testbed.sh").toString(),
                        "exec",
                        "3",
                        "iperf3",
                        "--server",
                        "--bind",
                        "10.210.0.3")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread.sleep(500);
            iperfClient =
                new ProcessBuilder(
                        TestBed.script("testbed.sh").toString(),
                        "exec",
                        "1",
                        "iperf3",
                        "--client",
                        "10.210.0.3",
                        "--udp",
                        "--bitrate",
                        backgroundMbps[i] + "M",
                        "--time",
                        "600")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread.sleep(2000);
          }
          final JsonNode result =
              migrate(
                  cluster,
                  vm,
                  "h3",
                  List.of("--bandwidth", migrationBandwidth, "--dirty-rate-samples", "1"));
          runs.add(new Run(backgroundMbps[i] + " Mbit/s", result, intact(log, before)));
        } finally {
          for (final Process process : new Process[] {iperfClient, iperfServer}) {
            if (process != null) {
              process.descendants().forEach(ProcessHandle::destroy);
              process.destroy();
              process.waitFor(10, TimeUnit.SECONDS);
            }
          }
        }
        TestBed.exec(List.of("virsh", "-c", bed.uri(3), "destroy", vm), 30);
        TestBed.exec(List.of("virsh", "-c", bed.uri(1), "destroy", vm), 30);
      }
    }
    System.out.printf(
        "| background on h1's %s uplink | migration time | downtime | data | guest |%n"
            + "|---|---|---|---|---|%n",
        linkRate);
    for (final Run run : runs) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f s | %d ms | %.0f MiB | %s |%n",
          run.label(),
          run.measured(),
          run.result().path("downtimeMillis").asLong(),
          run.result().path("dataMiB").asDouble(),
          run.guestIntact() ? "intact" : "LOST");
    }
    final StringBuilder json = new StringBuilder("{\"linkMbps\":200,\"runs\":[");
    for (int i = 0; i < runs.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"backgroundMbps\":%d,\"seconds\":%.2f,\"downtimeMillis\":%d,"
                      + "\"guestIntact\":%b}",
                  backgroundMbps[i],
                  runs.get(i).measured(),
                  runs.get(i).result().path("downtimeMillis").asLong(),
                  runs.get(i).guestIntact()));
    }
    System.out.println(json.append("]}"));
  }

  private static DataCentreBed bed() {
    if (!Files.isRegularFile(Path.of("daemon/cli/target/score.jar"))) {
      throw new IllegalStateException("daemon/cli/target/score.jar is missing");
    }
    return DataCentreBed.up(4, 2);
  }

  /** {@code bin/score migrate VM --to HOST ... --json}, as an operator runs it. */
  private static JsonNode migrate(
      final Path cluster, final String vm, final String to, final List<String> options)
      throws Exception {
    final List<String> command =
        new ArrayList<>(
            List.of("bin/score", "migrate", vm, "--to", to, "--config", cluster.toString()));
    command.addAll(options);
    command.add("--json");
    final Path output = Files.createTempFile("score-migrate-", ".json");
    try {
      final Process process =
          new ProcessBuilder(command)
              .redirectOutput(output.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not end within 300 s");
      }
      final List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        throw new IllegalStateException(
            command + " printed nothing (exit " + process.exitValue() + ")");
      }
      final JsonNode result = JSON.readTree(lines.get(lines.size() - 1));
      System.err.println(vm + ": " + result);
      return result;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The heartbeat went on after the migration: same boot, three more beats, no page lost. */
  private static boolean intact(final Path log, final DataCentreBed.Heartbeat before)
      throws Exception {
    final long now = DataCentreBed.heartbeat(log).orElseThrow().sequence();
    try {
      final DataCentreBed.Heartbeat after = DataCentreBed.awaitHeartbeat(log, now + 3);
      return after.boot().equals(before.boot()) && after.badPages() == 0;
    } catch (final AssertionError stopped) {
      return false;
    }
  }
}
