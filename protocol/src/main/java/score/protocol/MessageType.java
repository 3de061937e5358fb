package score.protocol;

/** Message types and their payload sizes; a fixed-size payload must match exactly. */
public enum MessageType {
  TOKEN(1, -1),
  TOKEN_ACK(2, 17),
  LOCATION_REQUEST(3, 12),
  LOCATION_RESPONSE(4, 23),
  CAPACITY_REQUEST(5, 16),
  CAPACITY_RESPONSE(6, 20),
  BACKOFF(7, 24),
  HEARTBEAT(8, 25),
  HEARTBEAT_ACK(9, 25),
  CLAIM(10, 9),
  CLAIM_VOTE(11, 17);

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

  /** The type with wire code {@code code} (0..255), or null. */
  public static MessageType ofCode(final int code) {
    return BY_CODE[code & 0xFF];
  }
}
