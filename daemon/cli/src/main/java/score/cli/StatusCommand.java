package score.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code score status}: is this agent in the majority, may it act, what token did it see. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "The local agent's state in the ring: quorum, token, lease.")
public final class StatusCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Mixin ControlOption control = new ControlOption();

  @Override
  public void run() {
    final JsonNode status = control.ask(Map.of("command", "status"));
    final PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOption.print(out, status);
      return;
    }
    final boolean quorum = status.path("quorum").asBoolean();
    out.printf(
        "host %d: %s; hears %d of %d peers; token epoch %d%s%s%n",
        status.path("host").asInt(),
        quorum ? "in the majority" : "NO QUORUM: holding, will not migrate",
        status.path("livePeers").asInt(),
        status.path("members").asInt() - 1,
        status.path("tokenEpoch").asLong(),
        status.path("holding").asBoolean() ? ", holds the token" : "",
        status.path("leaseValid").asBoolean() ? " under a valid lease" : "");
    final JsonNode mismatched = status.path("mismatchedPeers");
    if (mismatched.isArray() && !mismatched.isEmpty()) {
      out.printf(
          "hosts %s run with another cluster configuration (members, addresses or ring timing"
              + " differ from this host's file): they do not count toward the majority here%n",
          mismatched);
    }
    out.flush();
  }
}
