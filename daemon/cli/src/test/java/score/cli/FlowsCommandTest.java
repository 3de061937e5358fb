package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument errors end with exit code 2 and a message that names the problem. */
class FlowsCommandTest {
  private static void assertBadInput(final String expectedMessage, final String... args) {
    final CliRun run = CliRun.of(args);
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.err().contains(expectedMessage), run.err());
  }

  @Test
  void badArgumentsShouldExitWithTwoAndSayWhy() {
    assertBadInput(
        "'5x' has an unknown unit for a duration", "flows", "--bridge", "br0", "--for", "5x");
    assertBadInput("--for polls a bridge: give --bridge too", "flows", "--for", "5s");
    assertBadInput("--interval > 0", "flows", "--bridge", "br0", "--interval", "0s");
    assertBadInput(
        "--max-flows must be at least 16", "flows", "--bridge", "br0", "--max-flows", "3");
    assertBadInput("idle timeout", "flows", "--bridge", "br0", "--idle-timeout", "0s");
    assertBadInput("Unmatched argument", "nosuchcommand");
    assertBadInput("name a subcommand");
  }

  @Test
  void helpShouldListTheSubcommands() {
    final CliRun run = CliRun.of("--help");
    assertEquals(ExitCode.OK, run.exitCode());
    assertTrue(run.out().contains("flows"), run.out());
  }
}
