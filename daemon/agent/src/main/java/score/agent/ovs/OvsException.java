package score.agent.ovs;

/** A failed Open vSwitch command, with a reason an operator can act on. */
public final class OvsException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely, for counting and for choosing a reaction. */
  public enum Kind {
    /** {@code ovs-ofctl} or {@code ovs-vsctl} is not installed. */
    TOOL_MISSING,
    /** ovs-vswitchd or ovsdb-server is not running or not reachable. */
    SWITCH_UNREACHABLE,
    /** The named bridge does not exist. */
    BRIDGE_MISSING,
    /** The command did not finish in time. */
    TIMEOUT,
    /** Any other non-zero exit. */
    COMMAND_FAILED,
    /** The switch's answer could not be read (an OpenFlow message out of shape). */
    BAD_OUTPUT
  }

  private final Kind kind;

  public OvsException(final Kind kind, final String message) {
    super(message);
    this.kind = kind;
  }

  public OvsException(final Kind kind, final String message, final Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
