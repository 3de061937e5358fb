package score.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.OvsCommandLine;
import score.agent.ovs.OvsException;
import score.agent.ovs.OvsFlowPoller;
import score.agent.ovs.OvsFlowPollerBackoff;
import score.agent.ovs.PollResult;
import score.agent.traffic.FlowsReport;
import score.flowtable.FlowTable;

/** {@code score flows}: the VM pairs a bridge carries, with bytes and rate. */
@Command(
    name = "flows",
    mixinStandardHelpOptions = true,
    description = {
      "Show the VM pairs that talk over an Open vSwitch bridge: bytes on the wire (whole"
          + " frames, both directions merged) and rate.",
      "Without --bridge it shows the running agent's flow table (--control). With --bridge and"
          + " --for 0s (the default) it reads the counting rules already on the bridge (put there"
          + " by the agent or another run); with --for D it installs them if absent, polls every"
          + " --interval for D, and removes what it installed."
    })
public final class FlowsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Option(
      names = "--bridge",
      description =
          "Poll this OVS bridge here instead of asking the running agent for its flow table.")
  String bridge;

  @Mixin ControlOption control = new ControlOption();

  @Option(
      names = "--for",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description = "How long to poll before printing (default: ${DEFAULT-VALUE}).")
  Duration pollFor;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Time between polls (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--idle-timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Idle timeout of the learned counting rules (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--max-flows",
      defaultValue = "1000000",
      description = "Flow table bound (default: ${DEFAULT-VALUE}).")
  int maxFlows;

  @Override
  public void run() {
    validate();
    final PrintWriter out = spec.commandLine().getOut();
    if (bridge == null) {
      if (!pollFor.isZero()) {
        throw CommandFailure.badInput("--for polls a bridge: give --bridge too");
      }
      final FlowsReport report;
      try {
        report =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .treeToValue(control.ask(java.util.Map.of("command", "flows")), FlowsReport.class);
      } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
        throw CommandFailure.failure(
            "the agent's answer is not a flow table: " + e.getMessage(), e);
      }
      print(out, report);
      return;
    }
    final PrintWriter err = spec.commandLine().getErr();
    final CountingPipeline pipeline;
    try {
      final CountingPipeline defaults = CountingPipeline.defaults();
      pipeline =
          new CountingPipeline(
              defaults.countTable(), defaults.macTable(), defaults.forwardTable(), idleTimeout);
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final long origin = monotonicMillis();
    final FlowTable table = new FlowTable(maxFlows, origin);
    try (OvsCommandLine ovs = new OvsCommandLine()) {
      final OvsFlowPoller poller =
          new OvsFlowPoller(ovs, bridge, pipeline, table, FlowsCommand::monotonicMillis, false);
      final Thread cleanup = new Thread(() -> removeQuietly(poller, err), "score-flows-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try {
        final PollResult first = poller.pollOnce();
        if (first.pipelineInstalled() && pollFor.isZero()) {
          removeQuietly(poller, err);
          throw CommandFailure.failure(
              "no counting rules on bridge "
                  + bridge
                  + ": start the agent, or count for a while with --for 30s",
              null);
        }
        pollUntil(poller, origin + pollFor.toMillis(), err);
        print(
            out,
            FlowsReport.of(
                bridge,
                table,
                poller.stats().polls(),
                poller.stats().malformedLines(),
                monotonicMillis()));
      } catch (final OvsException e) {
        throw CommandFailure.failure(e.getMessage(), e);
      } finally {
        removeQuietly(poller, err);
        Runtime.getRuntime().removeShutdownHook(cleanup);
      }
    }
  }

  private void validate() {
    if (pollFor.isNegative() || interval.isNegative() || interval.isZero()) {
      throw CommandFailure.badInput("--for must be >= 0 and --interval > 0");
    }
    if (maxFlows < 16) {
      throw CommandFailure.badInput("--max-flows must be at least 16, got " + maxFlows);
    }
  }

  private void pollUntil(
      final OvsFlowPoller poller, final long deadlineMillis, final PrintWriter err)
      throws OvsException {
    long failures = 0;
    while (monotonicMillis() < deadlineMillis) {
      final long wait =
          failures == 0
              ? interval.toMillis()
              : OvsFlowPollerBackoff.millis(interval, Duration.ofSeconds(30), failures);
      sleep(Math.min(wait, Math.max(0, deadlineMillis - monotonicMillis())));
      try {
        poller.pollOnce();
        failures = 0;
      } catch (final OvsException e) {
        failures++;
        err.println("score flows: poll failed, retrying: " + e.getMessage());
        err.flush();
      }
    }
    if (failures > 0) {
      poller.pollOnce();
    }
  }

  private static void sleep(final long millis) {
    try {
      Thread.sleep(millis);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failure("interrupted", e);
    }
  }

  private static void removeQuietly(final OvsFlowPoller poller, final PrintWriter err) {
    try {
      poller.removeRules();
    } catch (final OvsException e) {
      err.println("score flows: could not remove the counting rules: " + e.getMessage());
      err.flush();
    }
  }

  static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private void print(final PrintWriter out, final FlowsReport output) {
    final List<FlowsReport.Pair> pairs = output.pairs();
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    out.printf(
        Locale.ROOT,
        "bridge %s: %d flows in %d pairs, %d polls, %d malformed lines%n",
        output.bridge(),
        output.flows(),
        pairs.size(),
        output.polls(),
        output.malformedLines());
    out.printf(
        Locale.ROOT,
        "%-15s %-15s %14s %11s %6s %14s %9s%n",
        "VM A",
        "VM B",
        "BYTES",
        "PACKETS",
        "FLOWS",
        "RATE",
        "WINDOW");
    for (final FlowsReport.Pair pair : pairs) {
      out.printf(
          Locale.ROOT,
          "%-15s %-15s %14d %11d %6d %9.2f Mbit/s %8.1fs%n",
          pair.a(),
          pair.b(),
          pair.bytes(),
          pair.packets(),
          pair.flows(),
          pair.bytesPerSecond() * 8 / 1e6,
          pair.windowSeconds());
    }
    out.flush();
  }
}
