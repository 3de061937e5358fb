package score.protocol;

/** A refused frame: the reason to count and a {@code key=value} detail to log. */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Rejection reason;
  private final String detail;

  public ProtocolException(final Rejection reason, final String detail) {
    super(reason + ": " + detail, null, false, false);
    this.reason = reason;
    this.detail = detail;
  }

  /** The {@code key=value} text without the reason. */
  public String detail() {
    return detail;
  }

  public Rejection reason() {
    return reason;
  }
}
