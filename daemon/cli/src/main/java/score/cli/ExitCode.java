package score.cli;

/** The closed set of exit codes every {@code score} command uses. */
public final class ExitCode {
  private ExitCode() {}

  /** Success. */
  public static final int OK = 0;

  /** The command was right but the world was not: OVS down, peer unreachable, ... */
  public static final int FAILURE = 1;

  /** Bad input or usage: wrong option, malformed file, impossible request. */
  public static final int BAD_INPUT = 2;
}
