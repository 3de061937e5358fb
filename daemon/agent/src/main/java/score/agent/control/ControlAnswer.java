package score.agent.control;

/** Answers of the control socket that are not another part's own record. */
public final class ControlAnswer {
  private ControlAnswer() {}

  /** The request was refused; {@code error} says why (the CLI prints it and exits non-zero). */
  public record Refused(String error) {}

  /** Whether automatic migrations are paused here, and how many leave this host now. */
  public record PauseState(boolean paused, int runningMigrations) {}
}
