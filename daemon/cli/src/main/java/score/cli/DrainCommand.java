package score.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code score drain HOST [--deadline D]}: the agent of HOST (run it there) moves every VM away
 * before the deadline, each to the host where its traffic costs least and that has room, pre-copy
 * or post-copy by its traffic direction; it starts no other migration and takes no VM meanwhile.
 * Waits for the end and prints each move. Exit 0 when the host is empty within the deadline, 1
 * otherwise, 2 for bad input.
 */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
      "Evacuate this host before a deadline: destinations by communication cost and room,"
          + " pre-copy or post-copy per VM by its traffic direction.",
      "Run it on HOST itself; its agent does the work. Exit 0: empty in time; 1: not."
    })
public final class DrainCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Mixin ControlOption control = new ControlOption();

  @Parameters(index = "0", paramLabel = "HOST", description = "The host to empty (this one).")
  String host;

  @Option(
      names = "--deadline",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description = "When the host must be empty (default ${DEFAULT-VALUE}).")
  Duration deadline;

  @Override
  public void run() {
    if (deadline.isZero() || deadline.isNegative() || deadline.compareTo(Duration.ofDays(1)) > 0) {
      throw CommandFailure.badInput("--deadline must be more than 0 and at most 1d");
    }
    control.ask(
        Map.of("command", "drain", "host", host, "deadlineSeconds", deadline.toMillis() / 1e3));
    final PrintWriter out = spec.commandLine().getOut();
    JsonNode status;
    while (true) {
      status = control.ask(Map.of("command", "drain-status"));
      final String state = status.path("state").asText();
      if (!state.equals("planning") && !state.equals("migrating")) {
        break;
      }
      try {
        Thread.sleep(500);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CommandFailure.failure("interrupted; the drain goes on in the agent", e);
      }
    }
    if (json.enabled()) {
      JsonOption.print(out, status);
    } else {
      out.printf(
          "%-16s %-10s %-9s %12s %12s %8s  %s%n",
          "VM", "TO", "TECHNIQUE", "COST HERE", "COST THERE", "SECONDS", "OUTCOME");
      for (final JsonNode move : status.path("moves")) {
        out.printf(
            "%-16s %-10s %-9s %12.0f %12.0f %8.1f  %s%s%n",
            move.path("vm").asText(),
            move.path("to").asText(),
            move.path("technique").asText(),
            move.path("costHere").asDouble(),
            move.path("costThere").asDouble(),
            move.path("seconds").asDouble(),
            move.path("outcome").asText(),
            move.path("why").asText().isEmpty() ? "" : ": " + move.path("why").asText());
      }
      out.printf(
          "%s %s in %.1f s of %.0f s%s%n",
          status.path("host").asText(),
          status.path("state").asText(),
          status.path("elapsedSeconds").asDouble(),
          status.path("deadlineSeconds").asDouble(),
          status.path("deadlineMet").asBoolean() ? "" : ": NOT EMPTY IN TIME");
    }
    out.flush();
    if (!status.path("deadlineMet").asBoolean()) {
      throw CommandFailure.failure(
          "drain of "
              + host
              + " "
              + status.path("state").asText()
              + ": "
              + status.path("why").asText(),
          null);
    }
  }
}
