package score.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import score.agent.control.ControlServer;

/** The {@code --control} option of commands that talk to the local agent, and the talking. */
public final class ControlOption {
  /** Where {@code score agent} opens its control socket by default. */
  public static final String DEFAULT_CONTROL = "/run/score/agent.sock";

  @Option(
      names = "--control",
      defaultValue = DEFAULT_CONTROL,
      description = "The agent's control socket (default: ${DEFAULT-VALUE}).")
  Path control;

  /** Sends {@code request} to the agent; its refusal or absence ends the command (exit 1). */
  JsonNode ask(final Map<String, Object> request) {
    try {
      final JsonNode answer = ControlServer.request(control, request);
      if (answer.has("error")) {
        throw CommandFailure.failure("agent refused: " + answer.path("error").asText(), null);
      }
      return answer;
    } catch (final IOException e) {
      throw CommandFailure.failure(
          "no agent answers on " + control + " (is score agent running?): " + e.getMessage(), e);
    }
  }
}
