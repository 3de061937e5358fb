package score.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Bytes to {@link Envelope}s. Every refusal is reported to the {@link RejectionListener} and
 * counted, never thrown into the pipeline.
 *
 * <p>Until the connection has delivered one authenticated frame it is a stranger's: every frame is
 * bounded by {@code unauthenticatedMaxLength} (checked from the header, before anything is
 * buffered) and any refusal closes it. Afterwards each type has the bound of its layout, a frame
 * with bad content is skipped, and only a broken stream (bad length or magic, a frame above its
 * type's bound) is discarded and the channel closed.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final FrameCodec codec;
  private final RejectionListener rejections;
  private final int unauthenticatedMaxLength;
  private boolean authenticated;
  private boolean discarding;

  /**
   * @param unauthenticatedMaxLength the largest frame accepted before the first authenticated one
   */
  public FrameDecoder(
      final FrameCodec codec,
      final RejectionListener rejections,
      final int unauthenticatedMaxLength) {
    this.codec = codec;
    this.rejections = rejections;
    this.unauthenticatedMaxLength = unauthenticatedMaxLength;
  }

  /** A decoder with {@link WireFormat#UNAUTHENTICATED_MAX_LENGTH} for strangers. */
  public FrameDecoder(final FrameCodec codec, final RejectionListener rejections) {
    this(codec, rejections, WireFormat.UNAUTHENTICATED_MAX_LENGTH);
  }

  /** Whether this connection has delivered an authenticated frame. */
  public boolean authenticated() {
    return authenticated;
  }

  @Override
  protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable()) {
      try {
        final Envelope envelope =
            codec.decode(in, authenticated ? Integer.MAX_VALUE : unauthenticatedMaxLength);
        if (envelope == null) {
          return;
        }
        authenticated = true;
        out.add(envelope);
      } catch (final ProtocolException e) {
        rejections.rejected(e.reason(), e.detail(), ctx.channel().remoteAddress());
        if (!authenticated || FrameCodec.isFatal(e.reason())) {
          discarding = true;
          in.skipBytes(in.readableBytes());
          ctx.close();
          return;
        }
      }
    }
  }
}
