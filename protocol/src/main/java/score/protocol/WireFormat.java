package score.protocol;

/**
 * Layout of a frame on the wire. Every multi-byte field is big-endian (network order).
 *
 * <pre>
 *  offset  size  field
 *       0     4  length: bytes that follow this field (header, payload, authenticator)
 *       4     4  magic 0x53434F52 ("SCOR")
 *       8     1  version
 *       9     1  message type ({@link MessageType})
 *      10     2  flags (0; reserved)
 *      12     4  sender host id
 *      16     8  sender's cluster epoch (the highest token epoch it has seen)
 *      24     n  payload (its layout depends on the type)
 *    24+n    16  authenticator: HMAC-SHA256 with the cluster key over bytes 0 .. 24+n, first 16
 *                bytes
 * </pre>
 */
public final class WireFormat {
  private WireFormat() {}

  /** "SCOR". */
  public static final int MAGIC = 0x53434F52;

  /** The only version this code speaks. */
  public static final byte VERSION = 1;

  public static final int LENGTH_OFFSET = 0;
  public static final int LENGTH_BYTES = 4;
  public static final int MAGIC_OFFSET = LENGTH_OFFSET + LENGTH_BYTES;
  public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
  public static final int TYPE_OFFSET = VERSION_OFFSET + 1;
  public static final int FLAGS_OFFSET = TYPE_OFFSET + 1;
  public static final int SENDER_OFFSET = FLAGS_OFFSET + 2;
  public static final int EPOCH_OFFSET = SENDER_OFFSET + 4;
  public static final int PAYLOAD_OFFSET = EPOCH_OFFSET + 8;

  /** Truncated HMAC-SHA256: 128 bits, as in IPsec's HMAC-SHA-256-128. */
  public static final int AUTHENTICATOR_BYTES = 16;

  /** Smallest value of the length field: header after the length, no payload, authenticator. */
  public static final int MIN_LENGTH = PAYLOAD_OFFSET - LENGTH_BYTES + AUTHENTICATOR_BYTES;

  /**
   * Default largest value of the length field: a token for 800,000 VMs at 5 bytes each (4,000,000)
   * plus its 32-byte header, the frame header and authenticator, rounded up to 4 MiB.
   */
  public static final int DEFAULT_MAX_LENGTH = 4 * 1024 * 1024;

  /**
   * Largest value of the length field on a connection that has not yet delivered one authenticated
   * frame: a stranger can make the agent buffer at most this much per connection (64 KiB; a token
   * of up to 13,100 VMs fits, and every connection starts with a small HELLO anyway).
   */
  public static final int UNAUTHENTICATED_MAX_LENGTH = 64 * 1024;

  /** Largest frame of a type this version does not know (a newer peer's): skipped if authentic. */
  public static final int UNKNOWN_TYPE_MAX_LENGTH = 64 * 1024;

  /**
   * Bytes a frame with {@code payloadBytes} of payload takes on the wire, length field included.
   */
  public static int frameBytes(final int payloadBytes) {
    return PAYLOAD_OFFSET + payloadBytes + AUTHENTICATOR_BYTES;
  }
}
