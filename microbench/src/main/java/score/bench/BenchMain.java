package score.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jol.info.GraphLayout;
import score.flowtable.FlowTable;

/**
 * {@code microbench/run.sh NAME}: runs one benchmark and prints, as its last line, one JSON object
 * with the figures its issue names.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(final String[] args) throws Exception {
    if (args.length < 1) {
      usage();
    }
    switch (args[0]) {
      case "flowtable" -> flowTable();
      case "ovs-parse" ->
          ovsParse(args.length > 1 ? args[1] : "microbench/data/ovs-dump-100000.txt.gz");
      case "token" -> token();
      case "planner" -> planner();
      case "simulate" -> SimulateScale.run();
      case "ovs-poll-cpu" -> PollCpu.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "idle-ring" -> IdleRing.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "migrate" -> MigrateBench.deadlines(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "migrate-background" ->
          MigrateBench.background(java.util.Arrays.copyOfRange(args, 1, args.length));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: microbench/run.sh flowtable | ovs-parse [DUMP.gz] | ovs-poll-cpu | token |"
            + " planner | simulate | idle-ring [SECONDS] | migrate [DEADLINE_SECONDS] |"
            + " migrate-background");
    System.exit(2);
  }

  private static void flowTable() throws RunnerException {
    final Collection<RunResult> results =
        new Runner(options(FlowTableBenchmark.class.getSimpleName()).build()).run();
    final double ours = score(results, "ours");
    final double baseline = score(results, "baseline");
    final double bytesPerFlow = ourBytesPerFlow(FlowSet.GROUPED);
    final double uniqueSourcesBytesPerFlow = ourBytesPerFlow(FlowSet.UNIQUE_SOURCES);
    final double baselineBytesPerFlow = baselineBytesPerFlow(FlowSet.GROUPED);
    System.out.printf(
        Locale.ROOT,
        "flow table, %d flows (paper's type 2: 1,000 flows per source IP): ours %.1f B/flow and"
            + " %.3g updates/s; HashMap baseline %.1f B/flow and %.3g updates/s; type 1 (unique"
            + " sources): ours %.1f B/flow%n",
        FlowTableBenchmark.FLOWS,
        bytesPerFlow,
        ours,
        baselineBytesPerFlow,
        baseline,
        uniqueSourcesBytesPerFlow);
    System.out.printf(
        Locale.ROOT,
        "{\"flows\":%d,\"bytesPerFlow\":%.1f,\"updatesPerSecond\":%.0f,"
            + "\"baselineBytesPerFlow\":%.1f,\"baselineUpdatesPerSecond\":%.0f,"
            + "\"memoryRatio\":%.2f,\"updateRatio\":%.2f,\"uniqueSourcesBytesPerFlow\":%.1f}%n",
        FlowTableBenchmark.FLOWS,
        bytesPerFlow,
        ours,
        baselineBytesPerFlow,
        baseline,
        baselineBytesPerFlow / bytesPerFlow,
        ours / baseline,
        uniqueSourcesBytesPerFlow);
  }

  /** Retained bytes per flow of a full table, measured by JOL's object-graph walk. */
  private static double ourBytesPerFlow(final FlowSet set) {
    final int flows = FlowTableBenchmark.FLOWS;
    final FlowTable table = new FlowTable(flows, 0);
    table.beginUpdate(1_000);
    set.fill(
        flows,
        new FlowSet.Filler() {
          @Override
          public void flow(
              final int src, final int dst, final int protocol, final int sport, final int dport) {
            table.observe(src, dst, protocol, sport, dport, 1_500, 1, 0);
          }

          @Override
          public void sourceMac(final int ip, final long mac) {
            table.observeSourceMac(ip, mac);
          }
        });
    table.endUpdate();
    return GraphLayout.parseInstance(table).totalSize() / (double) flows;
  }

  private static double baselineBytesPerFlow(final FlowSet set) {
    final int flows = FlowTableBenchmark.FLOWS;
    final PaperFlowTable table = new PaperFlowTable();
    set.fill(
        flows,
        new FlowSet.Filler() {
          @Override
          public void flow(
              final int src, final int dst, final int protocol, final int sport, final int dport) {
            table.observe(src, dst, protocol, sport, dport, 1_500, 1, 0, 1_000);
          }

          @Override
          public void sourceMac(final int ip, final long mac) {
            table.observeSourceMac(ip, mac);
          }
        });
    if (table.size() != flows) {
      throw new IllegalStateException("baseline holds " + table.size() + " flows");
    }
    return GraphLayout.parseInstance(table).totalSize() / (double) flows;
  }

  private static void ovsParse(final String dump) throws RunnerException {
    final Path path = Path.of(dump).toAbsolutePath();
    if (!Files.isReadable(path)) {
      System.err.println("ovs-parse: recorded dump not found: " + path);
      System.exit(2);
    }
    final Collection<RunResult> results =
        new Runner(
                options(OvsParseBenchmark.class.getSimpleName())
                    .jvmArgsAppend("-D" + OvsParseBenchmark.DUMP_PROPERTY + "=" + path)
                    .build())
            .run();
    final double parse = score(results, "parse");
    final double pollPath = score(results, "parseAndUpdate");
    System.out.printf(
        Locale.ROOT,
        "ovs-ofctl dump parsing, %d lines of %s: %.3g lines/s; parse and flow-table update:"
            + " %.3g lines/s%n",
        OvsParseBenchmark.LINES,
        path.getFileName(),
        parse,
        pollPath);
    System.out.printf(
        Locale.ROOT,
        "{\"lines\":%d,\"linesPerSecond\":%.0f,\"parseAndUpdateLinesPerSecond\":%.0f}%n",
        OvsParseBenchmark.LINES,
        parse,
        pollPath);
  }

  private static void token() throws Exception {
    final Collection<RunResult> results =
        new Runner(options(TokenCodecBenchmark.class.getSimpleName()).build()).run();
    final double codec = score(results, "encodeDecode");
    final double frame = score(results, "frameEncodeDecode");
    final score.protocol.Token big = TokenCodecBenchmark.token(TokenCodecBenchmark.VMS);
    final double bytesPerVm =
        (big.payloadBytes() - score.protocol.Token.HEADER_BYTES) / (double) big.vmCount();
    final TokenHop.Result hop = TokenHop.measure(big, 10_000, 5_000);
    final TokenHop.Result smallHop =
        TokenHop.measure(TokenCodecBenchmark.token(16 * 20), 10_000, 5_000);
    System.out.printf(
        Locale.ROOT,
        "token of %d VMs: %.1f bytes per VM + %d-byte header; encode+decode %.0f us (as an"
            + " authenticated frame %.0f us); handover with ack on loopback: p50 %.0f us, p99 %.0f"
            + " us (320-VM token: p99 %.0f us)%n",
        big.vmCount(),
        bytesPerVm,
        score.protocol.Token.HEADER_BYTES,
        codec,
        frame,
        hop.p50Micros(),
        hop.p99Micros(),
        smallHop.p99Micros());
    System.out.printf(
        Locale.ROOT,
        "{\"vms\":%d,\"bytesPerVm\":%.1f,\"headerBytes\":%d,\"encodeDecodeMicros\":%.1f,"
            + "\"frameEncodeDecodeMicros\":%.1f,\"hopP50Micros\":%.0f,\"hopP99Micros\":%.0f,"
            + "\"hopP99MicrosSmallToken\":%.0f}%n",
        big.vmCount(),
        bytesPerVm,
        score.protocol.Token.HEADER_BYTES,
        codec,
        frame,
        hop.p50Micros(),
        hop.p99Micros(),
        smallHop.p99Micros());
  }

  private static void planner() throws RunnerException {
    final Collection<RunResult> results =
        new Runner(options(PlannerBenchmark.class.getSimpleName()).build()).run();
    final double plans = score(results, "plan");
    final double evacuate = score(results, "evacuate64");
    final score.core.plan.TechniqueChoice choice =
        score.core.plan.TechniqueChooser.choose(PlannerBenchmark.evacuation(2));
    System.out.printf(
        Locale.ROOT,
        "planner: %.3g least-bandwidth plans/s; technique choice for %d VMs %.3f ms (%s, within"
            + " %.3f Mbps of optimal)%n",
        plans,
        PlannerBenchmark.VMS,
        evacuate,
        choice.method(),
        choice.errorBoundBitsPerSecond() / 1e6);
    System.out.printf(
        Locale.ROOT,
        "{\"plansPerSecond\":%.0f,\"evacuate64Millis\":%.3f,\"evacuateMethod\":\"%s\","
            + "\"evacuateBoundMbps\":%.3f}%n",
        plans,
        evacuate,
        choice.method(),
        choice.errorBoundBitsPerSecond() / 1e6);
  }

  private static ChainedOptionsBuilder options(final String benchmark) {
    return new OptionsBuilder().include("score\\.bench\\." + benchmark + "\\.");
  }

  private static double score(final Collection<RunResult> results, final String method) {
    for (final RunResult result : results) {
      if (result.getParams().getBenchmark().endsWith("." + method)) {
        return result.getPrimaryResult().getScore();
      }
    }
    throw new IllegalStateException("no result for " + method);
  }
}
