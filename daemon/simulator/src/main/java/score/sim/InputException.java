package score.sim;

/** Bad simulator input; the message names the file, the line and the reason. */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(final String message) {
    super(message);
  }

  static InputException at(final String file, final int line, final String reason) {
    return new InputException(file + ":" + line + ": " + reason);
  }
}
