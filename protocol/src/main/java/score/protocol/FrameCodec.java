package score.protocol;

import io.netty.buffer.ByteBuf;
import javax.crypto.Mac;

/**
 * Encodes and decodes whole frames ({@link WireFormat}) without Netty's pipeline, so the same code
 * serves the channel handlers, the fuzz tests and the benchmarks. Holds a {@link Mac}, so one
 * instance per thread or channel.
 *
 * <p>Checks run in the order that keeps a bad peer cheap: the length is peeked and bounded before
 * anything is read or allocated; then magic and version; then the authenticator over the whole
 * frame; only then the type and payload. A bad length or magic means frame boundaries can no longer
 * be trusted ({@link #isFatal}); any other rejection skips exactly one frame.
 */
public final class FrameCodec {
  private final Mac mac;
  private final int maxLength;
  private final int maxTokenVms;
  private final byte[] computed = new byte[32];
  private final byte[] received = new byte[WireFormat.AUTHENTICATOR_BYTES];

  /**
   * @param maxLength largest accepted value of the length field
   * @param maxTokenVms largest accepted token
   */
  public FrameCodec(final ClusterKey key, final int maxLength, final int maxTokenVms) {
    if (maxLength < WireFormat.MIN_LENGTH) {
      throw new IllegalArgumentException("maxLength below a minimal frame: " + maxLength);
    }
    this.mac = key.newMac();
    this.maxLength = maxLength;
    this.maxTokenVms = maxTokenVms;
  }

  public FrameCodec(final ClusterKey key) {
    this(key, WireFormat.DEFAULT_MAX_LENGTH, (WireFormat.DEFAULT_MAX_LENGTH - 64) / 5);
  }

  /** Whether a rejection leaves the stream unusable (the connection must close). */
  public static boolean isFatal(final Rejection reason) {
    return reason == Rejection.BAD_LENGTH
        || reason == Rejection.BAD_MAGIC
        || reason == Rejection.FRAME_TOO_LARGE;
  }

  /** Writes one authenticated frame. */
  public void encode(final Envelope envelope, final ByteBuf out) {
    final Message message = envelope.message();
    final int payloadBytes = message.payloadBytes();
    final int length = WireFormat.frameBytes(payloadBytes) - WireFormat.LENGTH_BYTES;
    if (length > maxLength) {
      throw new IllegalArgumentException(
          "frame too large to send: length=" + length + " max=" + maxLength);
    }
    out.ensureWritable(length + WireFormat.LENGTH_BYTES);
    final int start = out.writerIndex();
    out.writeInt(length);
    out.writeInt(WireFormat.MAGIC);
    out.writeByte(WireFormat.VERSION);
    out.writeByte(message.type().code());
    out.writeShort(0);
    out.writeInt(envelope.sender());
    out.writeLong(envelope.epoch());
    message.write(out);
    final int written = out.writerIndex() - start - WireFormat.PAYLOAD_OFFSET;
    if (written != payloadBytes) {
      throw new IllegalStateException(
          message.type() + " wrote " + written + " payload bytes, declared " + payloadBytes);
    }
    authenticate(out, start, WireFormat.PAYLOAD_OFFSET + payloadBytes);
    out.writeBytes(computed, 0, WireFormat.AUTHENTICATOR_BYTES);
  }

  /** Bytes the encoded frame of {@code envelope} takes. */
  public static int encodedBytes(final Envelope envelope) {
    return WireFormat.frameBytes(envelope.message().payloadBytes());
  }

  /**
   * Decodes the frame at the reader index of {@code in}.
   *
   * @return the envelope, with the frame consumed; or null when the frame is not complete yet
   *     (nothing consumed)
   * @throws ProtocolException when refused: a fatal reason consumes nothing, any other consumes
   *     exactly the refused frame
   */
  public Envelope decode(final ByteBuf in) throws ProtocolException {
    return decode(in, maxLength);
  }

  /**
   * Decodes as {@link #decode(ByteBuf)}, with every frame's length bounded by {@code lengthCap} too
   * (a connection that has not authenticated yet). The bound of the frame's type and the cap apply
   * as soon as the header is in, before the payload is waited for.
   */
  public Envelope decode(final ByteBuf in, final int lengthCap) throws ProtocolException {
    if (in.readableBytes() < WireFormat.LENGTH_BYTES) {
      return null;
    }
    final int start = in.readerIndex();
    final long length = in.getUnsignedInt(start);
    if (length < WireFormat.MIN_LENGTH || length > maxLength) {
      throw new ProtocolException(
          Rejection.BAD_LENGTH,
          "length=" + length + " min=" + WireFormat.MIN_LENGTH + " max=" + maxLength);
    }
    if (in.readableBytes() >= WireFormat.MAGIC_OFFSET + 4) {
      final int magic = in.getInt(start + WireFormat.MAGIC_OFFSET);
      if (magic != WireFormat.MAGIC) {
        throw new ProtocolException(Rejection.BAD_MAGIC, "magic=0x" + Integer.toHexString(magic));
      }
    }
    if (in.readableBytes() > WireFormat.TYPE_OFFSET) {
      final int code = in.getUnsignedByte(start + WireFormat.TYPE_OFFSET);
      final MessageType type = MessageType.ofCode(code);
      final long typeLimit =
          type == null ? WireFormat.UNKNOWN_TYPE_MAX_LENGTH : type.maxLength(maxLength);
      final long limit = Math.min(typeLimit, lengthCap);
      if (length > limit) {
        throw new ProtocolException(
            Rejection.FRAME_TOO_LARGE,
            "type="
                + (type == null ? code : type)
                + " length="
                + length
                + " max="
                + limit
                + (limit < typeLimit ? " (not authenticated yet)" : ""));
      }
    }
    final int frameBytes = (int) length + WireFormat.LENGTH_BYTES;
    if (in.readableBytes() < frameBytes) {
      return null;
    }
    try {
      return decodeComplete(in, start, frameBytes);
    } finally {
      in.readerIndex(start + frameBytes);
    }
  }

  private Envelope decodeComplete(final ByteBuf in, final int start, final int frameBytes)
      throws ProtocolException {
    final int version = in.getUnsignedByte(start + WireFormat.VERSION_OFFSET);
    if (version != WireFormat.VERSION) {
      throw new ProtocolException(
          Rejection.UNSUPPORTED_VERSION, "version=" + version + " supported=" + WireFormat.VERSION);
    }
    final int authenticated = frameBytes - WireFormat.AUTHENTICATOR_BYTES;
    authenticate(in, start, authenticated);
    in.getBytes(start + authenticated, received);
    if (!authenticatorMatches()) {
      throw new ProtocolException(
          Rejection.BAD_AUTHENTICATOR, "sender=" + in.getInt(start + WireFormat.SENDER_OFFSET));
    }
    final int code = in.getUnsignedByte(start + WireFormat.TYPE_OFFSET);
    final MessageType type = MessageType.ofCode(code);
    if (type == null) {
      throw new ProtocolException(Rejection.UNKNOWN_TYPE, "type=" + code);
    }
    final int sender = in.getInt(start + WireFormat.SENDER_OFFSET);
    final long epoch = in.getLong(start + WireFormat.EPOCH_OFFSET);
    final ByteBuf payload =
        in.slice(start + WireFormat.PAYLOAD_OFFSET, authenticated - WireFormat.PAYLOAD_OFFSET);
    final Message message = Message.read(type, payload, maxTokenVms);
    if (payload.isReadable()) {
      throw new ProtocolException(
          Rejection.MALFORMED_PAYLOAD, "type=" + type + " trailing=" + payload.readableBytes());
    }
    return new Envelope(sender, epoch, message);
  }

  /** Constant-time comparison of the received and the computed (truncated) authenticator. */
  private boolean authenticatorMatches() {
    int difference = 0;
    for (int i = 0; i < WireFormat.AUTHENTICATOR_BYTES; i++) {
      difference |= computed[i] ^ received[i];
    }
    return difference == 0;
  }

  /** HMAC over {@code length} bytes at {@code offset} into {@link #computed}. */
  private void authenticate(final ByteBuf buffer, final int offset, final int length) {
    if (buffer.hasArray()) {
      mac.update(buffer.array(), buffer.arrayOffset() + offset, length);
    } else {
      mac.update(buffer.nioBuffer(offset, length));
    }
    try {
      mac.doFinal(computed, 0);
    } catch (final javax.crypto.ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
