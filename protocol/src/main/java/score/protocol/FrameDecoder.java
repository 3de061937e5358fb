package score.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Bytes to {@link Envelope}s. Every refusal is reported to the {@link RejectionListener} and
 * counted, never thrown into the pipeline: a frame with bad content is skipped, a broken stream
 * (bad length or magic) is discarded and the channel closed.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final FrameCodec codec;
  private final RejectionListener rejections;
  private boolean discarding;

  public FrameDecoder(final FrameCodec codec, final RejectionListener rejections) {
    this.codec = codec;
    this.rejections = rejections;
  }

  @Override
  protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable()) {
      try {
        final Envelope envelope = codec.decode(in);
        if (envelope == null) {
          return;
        }
        out.add(envelope);
      } catch (final ProtocolException e) {
        rejections.rejected(e.reason(), e.detail(), ctx.channel().remoteAddress());
        if (FrameCodec.isFatal(e.reason())) {
          discarding = true;
          in.skipBytes(in.readableBytes());
          ctx.close();
          return;
        }
      }
    }
  }
}
