package score.protocol;

/**
 * Why an incoming frame was refused. Each is counted; none ends the agent. On a connection that has
 * not yet delivered one authenticated frame, every refusal closes it.
 */
public enum Rejection {
  /** The length field is below the smallest frame or above the limit: the stream is closed. */
  BAD_LENGTH,
  /** Not an S-CORE frame: the stream is closed. */
  BAD_MAGIC,
  /**
   * The length field is above what the frame's type allows, or above the bound for a connection
   * that has not yet delivered an authenticated frame: the stream is closed before it is buffered.
   */
  FRAME_TOO_LARGE,
  /** A version this agent does not speak: the frame is skipped. */
  UNSUPPORTED_VERSION,
  /** The authenticator does not match the cluster key: the frame is skipped. */
  BAD_AUTHENTICATOR,
  /** A message type this agent does not know: the frame is skipped. */
  UNKNOWN_TYPE,
  /** The payload is longer than its type allows, or does not parse. */
  MALFORMED_PAYLOAD,
  /** Valid, but from an epoch older than one already seen (fencing). */
  STALE_EPOCH
}
