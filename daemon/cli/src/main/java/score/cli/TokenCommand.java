package score.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code score token inspect|inject}: the local agent's view of the token, and starting one. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Inspect or inject the token through the local agent.",
    subcommands = {TokenCommand.Inspect.class, TokenCommand.Inject.class})
public final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: inspect or inject");
  }

  /** {@code score token inspect}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "The last token the local agent saw: epoch, sequence, policy, holder, VMs.")
  public static final class Inspect implements Runnable {
    @Spec CommandSpec spec;

    @Mixin JsonOption json = new JsonOption();

    @Mixin ControlOption control = new ControlOption();

    @Override
    public void run() {
      final JsonNode status = control.ask(Map.of("command", "status"));
      final PrintWriter out = spec.commandLine().getOut();
      final TokenOutput output =
          new TokenOutput(
              status.path("host").asInt(),
              status.path("lastTokenVms").asInt() >= 0,
              status.path("tokenEpoch").asLong(),
              status.path("tokenSequence").asLong(),
              status.path("lastTokenPolicy").isNull()
                  ? null
                  : status
                      .path("lastTokenPolicy")
                      .asText()
                      .toLowerCase(Locale.ROOT)
                      .replace('_', '-'),
              status.path("lastTokenHolder").asInt(),
              status.path("lastTokenVms").asInt(),
              status.path("lastTokenPosition").asInt(),
              status.path("lastTokenAgeMillis").asLong(),
              status.path("holding").asBoolean(),
              status.path("quorum").asBoolean());
      if (json.enabled()) {
        JsonOption.print(out, output);
        return;
      }
      if (!output.seen()) {
        out.printf("host %d has seen no token yet (quorum: %s)%n", output.host(), output.quorum());
      } else {
        out.printf(
            Locale.ROOT,
            "epoch %d, sequence %d, policy %s, holder host %d, %d VMs, position %d, seen %.1f s ago%s%n",
            output.epoch(),
            output.sequence(),
            output.policy(),
            output.holder(),
            output.vms(),
            output.position(),
            output.ageMillis() / 1000.0,
            output.holding() ? " (held here)" : "");
      }
      out.flush();
    }
  }

  /** One line of {@code score token inspect --json}. */
  record TokenOutput(
      int host,
      boolean seen,
      long epoch,
      long sequence,
      String policy,
      int holder,
      int vms,
      int position,
      long ageMillis,
      boolean holding,
      boolean quorum) {}

  /** {@code score token inject}. */
  @Command(
      name = "inject",
      mixinStandardHelpOptions = true,
      description = {
        "Start a token if none is alive; --force replaces a live one (with a higher epoch).",
        "The new token needs a majority of the hosts, like any other."
      })
  public static final class Inject implements Runnable {
    @Spec CommandSpec spec;

    @Mixin JsonOption json = new JsonOption();

    @Option(
        names = "--policy",
        required = true,
        description = "round-robin, global, distributed or load-aware.")
    String policy;

    @Option(names = "--force", description = "Replace a live token.")
    boolean force;

    @Mixin ControlOption control = new ControlOption();

    @Override
    public void run() {
      final String normalized = policy.toLowerCase(Locale.ROOT);
      if (!normalized.matches("round-robin|global|distributed|load-aware")) {
        throw CommandFailure.badInput(
            "unknown policy '" + policy + "': use round-robin, global, distributed or load-aware");
      }
      final JsonNode answer =
          control.ask(Map.of("command", "inject", "policy", normalized, "force", force));
      final PrintWriter out = spec.commandLine().getOut();
      if (json.enabled()) {
        JsonOption.print(out, answer);
      } else {
        out.println(
            answer.path("message").asText() + " (epoch " + answer.path("epoch").asLong() + ")");
        out.flush();
      }
      if (!answer.path("started").asBoolean()) {
        throw CommandFailure.failure("no token injected: " + answer.path("message").asText(), null);
      }
    }
  }
}
