package score.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code score}: the one launcher; each job is a subcommand. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    version = "score 0.1.0",
    description = "S-CORE: network-aware live migration of VMs.",
    subcommands = {
      AgentCommand.class,
      FlowsCommand.class,
      PlanCommand.class,
      MigrateCommand.class,
      StatusCommand.class,
      DrainCommand.class,
      PauseCommand.Pause.class,
      PauseCommand.Resume.class,
      TokenCommand.class,
      SimulateCommand.class
    })
public final class ScoreCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine(final PrintWriter out, final PrintWriter err) {
    final CommandLine commandLine = new CommandLine(new ScoreCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    // A mistyped option gets one line that says what and where to look, not the whole usage text.
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          final CommandLine cmd = exception.getCommandLine();
          final PrintWriter to = cmd.getErr();
          to.println(cmd.getCommandSpec().qualifiedName() + ": " + exception.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(exception, to);
          to.println("(`" + cmd.getCommandSpec().qualifiedName() + " --help` lists the options)");
          to.flush();
          return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (exception instanceof CommandFailure failure) {
            cmd.getErr()
                .println(cmd.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
            cmd.getErr().flush();
            return failure.exitCode();
          }
          throw exception;
        });
    return commandLine;
  }

  public static void main(final String[] args) {
    final PrintWriter out = new PrintWriter(System.out, true);
    final PrintWriter err = new PrintWriter(System.err, true);
    System.exit(commandLine(out, err).execute(args));
  }
}
