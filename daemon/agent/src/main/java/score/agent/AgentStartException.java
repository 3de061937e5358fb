package score.agent;

/** The agent cannot start: bad configuration ({@link #badInput}) or a world that refuses it. */
public final class AgentStartException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean badInput;

  AgentStartException(final String message, final boolean badInput, final Throwable cause) {
    super(message, cause);
    this.badInput = badInput;
  }

  /** Whether the operator's input (configuration, options) is at fault. */
  public boolean badInput() {
    return badInput;
  }
}
