package score.cli;

/** Ends a command with a message for the operator and an {@link ExitCode}. */
public final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CommandFailure(final int exitCode, final String message, final Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The environment failed (exit 1). */
  public static CommandFailure failure(final String message, final Throwable cause) {
    return new CommandFailure(ExitCode.FAILURE, message, cause);
  }

  /** The user's input was wrong (exit 2). */
  public static CommandFailure badInput(final String message) {
    return new CommandFailure(ExitCode.BAD_INPUT, message, null);
  }

  public int exitCode() {
    return exitCode;
  }
}
