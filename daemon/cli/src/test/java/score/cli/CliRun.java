package score.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code score ARGS} in-process, as a user would, and keeps exit code and output. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(final String... args) {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int exit =
        ScoreCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
