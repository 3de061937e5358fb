package score.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameCodecPropertyTest {
  static final ClusterKey KEY = ClusterKey.of(new byte[32]);

  @Provide
  Arbitrary<Envelope> envelopes() {
    return Messages.envelopes();
  }

  @Property(tries = 2_000)
  void everyMessageShouldRoundTrip(@ForAll("envelopes") final Envelope envelope)
      throws ProtocolException {
    final FrameCodec codec = new FrameCodec(KEY);
    final ByteBuf buffer = Unpooled.buffer();
    codec.encode(envelope, buffer);
    assertEquals(FrameCodec.encodedBytes(envelope), buffer.readableBytes());
    assertEquals(envelope, codec.decode(buffer));
    assertEquals(0, buffer.readableBytes());
  }

  /** Through the Netty pipeline, with the bytes arriving in arbitrary pieces. */
  @Property(tries = 300)
  void framesSplitAnywhereShouldDecodeOnceComplete(
      @ForAll @Size(min = 1, max = 5) final List<@net.jqwik.api.From("envelopes") Envelope> sent,
      @ForAll @IntRange(min = 1, max = 700) final int pieceBytes) {
    final EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(new FrameCodec(KEY)));
    final RejectionCounters rejections = new RejectionCounters();
    final EmbeddedChannel decoder =
        new EmbeddedChannel(new FrameDecoder(new FrameCodec(KEY), rejections));
    for (final Envelope envelope : sent) {
      assertTrue(encoder.writeOutbound(envelope));
    }
    final ByteBuf all = Unpooled.buffer();
    for (ByteBuf piece; (piece = encoder.readOutbound()) != null; ) {
      all.writeBytes(piece);
      piece.release();
    }
    final List<Envelope> received = new ArrayList<>();
    while (all.isReadable()) {
      final int size = Math.min(pieceBytes, all.readableBytes());
      decoder.writeInbound(all.readRetainedSlice(size));
      for (Envelope envelope; (envelope = decoder.readInbound()) != null; ) {
        received.add(envelope);
      }
      if (all.isReadable()) {
        // A frame is emitted only once its last byte arrived.
        assertTrue(received.size() < sent.size());
      }
    }
    all.release();
    assertEquals(sent, received);
    assertEquals(0, rejections.total());
    assertTrue(decoder.isOpen());
    assertNull(decoder.readInbound());
    decoder.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
  }
}
