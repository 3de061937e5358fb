package score.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import score.testbed.TestBed;

/**
 * {@code score} in a JVM of its own, on the tests' class path: here, or inside a host of the
 * data-centre test bed ({@code deploy/testbed.sh exec}). Output and errors go to {@code log}.
 */
final class ScoreProcess {
  private ScoreProcess() {}

  /** The command line that runs {@code score ARGUMENTS}. */
  static List<String> command(final String... arguments) {
    final List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "score.cli.ScoreCommand"));
    command.addAll(List.of(arguments));
    return command;
  }

  /** {@code command(...)} as one string, for {@code SCORE_LAUNCHER} of the deploy scripts. */
  static String launcher() {
    return String.join(" ", command());
  }

  static Process here(final Path log, final String... arguments) throws IOException {
    return start(command(arguments), log, Map.of());
  }

  /** On test-bed host {@code host}, with {@code env} added to its environment. */
  static Process onHost(
      final int host, final Path log, final Map<String, String> env, final String... arguments)
      throws IOException {
    final List<String> command =
        new ArrayList<>(List.of(TestBed.script("testbed.sh").toString(), "exec", "" + host));
    command.addAll(command(arguments));
    return start(command, log, env);
  }

  private static Process start(
      final List<String> command, final Path log, final Map<String, String> env)
      throws IOException {
    final ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Stops {@code process} and whatever it started (SIGTERM, then SIGKILL after 20 s). */
  static void stop(final Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }
}
