package score.agent.libvirt;

/** A libvirt call that failed, with what kind of failure it was; nothing was left half done. */
public final class HypervisorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No libvirtd answers at the URI (not running, wrong socket). */
    NOT_RUNNING,
    /** The call did not return within its timeout (libvirt calls can hang: TESTBED.md). */
    TIMEOUT,
    /** libvirt refused or failed the call. */
    FAILED,
    /** libvirt answered with something this adapter cannot read. */
    BAD_OUTPUT
  }

  private final Kind kind;

  public HypervisorException(final Kind kind, final String message, final Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
