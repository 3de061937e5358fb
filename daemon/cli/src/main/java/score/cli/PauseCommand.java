package score.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code score pause} and {@code score resume}: the local agent starts no migration while paused (a
 * migration already running finishes); the token keeps going round, and a move its holder decides
 * meanwhile is refused (counted in score_moves_refused_total).
 */
public final class PauseCommand {
  private PauseCommand() {}

  private static void ask(
      final CommandSpec spec,
      final ControlOption control,
      final JsonOption json,
      final String how) {
    final JsonNode state = control.ask(Map.of("command", how));
    final PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOption.print(out, state);
      return;
    }
    out.printf(
        "migrations %s; %d running%n",
        state.path("paused").asBoolean() ? "paused" : "allowed",
        state.path("runningMigrations").asInt());
    out.flush();
  }

  /** {@code score pause}. */
  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Start no new migration on this host (a running one finishes).")
  public static final class Pause implements Runnable {
    @Spec CommandSpec spec;

    @Mixin JsonOption json = new JsonOption();

    @Mixin ControlOption control = new ControlOption();

    @Override
    public void run() {
      ask(spec, control, json, "pause");
    }
  }

  /** {@code score resume}. */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Allow migrations on this host again.")
  public static final class Resume implements Runnable {
    @Spec CommandSpec spec;

    @Mixin JsonOption json = new JsonOption();

    @Mixin ControlOption control = new ControlOption();

    @Override
    public void run() {
      ask(spec, control, json, "resume");
    }
  }
}
