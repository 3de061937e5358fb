package score.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** {@link Envelope}s to authenticated frames, in a buffer sized exactly for each. */
public final class FrameEncoder extends MessageToByteEncoder<Envelope> {
  private final FrameCodec codec;

  public FrameEncoder(final FrameCodec codec) {
    super(Envelope.class);
    this.codec = codec;
  }

  @Override
  protected ByteBuf allocateBuffer(
      final ChannelHandlerContext ctx, final Envelope envelope, final boolean preferDirect) {
    return ctx.alloc().heapBuffer(FrameCodec.encodedBytes(envelope));
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final Envelope envelope, final ByteBuf out) {
    codec.encode(envelope, out);
  }
}
