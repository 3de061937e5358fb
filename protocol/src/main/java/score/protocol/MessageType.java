package score.protocol;

/**
 * Message types and their payload sizes; a fixed-size payload must match exactly, and a frame that
 * announces more than its type's layout allows is refused from its header, before it is buffered.
 */
public enum MessageType {
  TOKEN(1, -1),
  TOKEN_ACK(2, 17),
  LOCATION_REQUEST(3, 12),
  LOCATION_RESPONSE(4, 23),
  CAPACITY_REQUEST(5, 16),
  CAPACITY_RESPONSE(6, 20),
  BACKOFF(7, 24),
  /** nonce 8, lease epoch 8, lease sequence 8, release 1, cluster fingerprint 8. */
  HEARTBEAT(8, 33),
  /** nonce 8, highest epoch 8, highest sequence 8, confirmed 1, cluster fingerprint 8. */
  HEARTBEAT_ACK(9, 33),
  CLAIM(10, 9),
  CLAIM_VOTE(11, 17),
  /** The first frame on every connection: small, so a connection authenticates cheaply. */
  HELLO(12, 0);

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (final MessageType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  private final int code;
  private final int payloadBytes;

  MessageType(final int code, final int payloadBytes) {
    this.code = code;
    this.payloadBytes = payloadBytes;
  }

  public int code() {
    return code;
  }

  /** Exact payload size, or -1 for the variable-size token. */
  public int payloadBytes() {
    return payloadBytes;
  }

  /**
   * Largest value of the length field a frame of this type may announce: exactly its layout for a
   * fixed-size type, {@code maxTokenLength} for the token.
   */
  public long maxLength(final long maxTokenLength) {
    return payloadBytes < 0
        ? maxTokenLength
        : WireFormat.frameBytes(payloadBytes) - WireFormat.LENGTH_BYTES;
  }

  /** The type with wire code {@code code} (0..255), or null. */
  public static MessageType ofCode(final int code) {
    return BY_CODE[code & 0xFF];
  }
}
