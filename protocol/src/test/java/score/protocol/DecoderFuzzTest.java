package score.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A million random and mutated inputs per decoder: each may only decode, wait for more bytes, or be
 * refused with a counted reason. Any other exception fails the test. Seeded, so a failure
 * reproduces.
 */
class DecoderFuzzTest {
  private static final int INPUTS = 1_000_000;
  private static final ClusterKey KEY = FrameCodecPropertyTest.KEY;

  private final Random random = new Random(20261124);
  private final List<byte[]> validFrames = new ArrayList<>();

  DecoderFuzzTest() {
    final FrameCodec codec = new FrameCodec(KEY);
    final List<Message> samples =
        List.of(
            new Message.TokenMessage(
                new Token(
                    TokenPolicy.LOAD_AWARE, 4, 9, 1, 2, new int[] {1, 2, 3}, new byte[] {7, 8, 9})),
            new Message.TokenMessage(
                new Token(TokenPolicy.ROUND_ROBIN, 4, 9, 0, 2, new int[] {5, 6}, null)),
            new Message.TokenAck(4, 9, true),
            new Message.LocationRequest(1, 0x0A000001),
            new Message.LocationResponse(1, 0x0A000001, true, 3, 0x7F000001, 7400),
            new Message.CapacityRequest(2, 1 << 30),
            new Message.CapacityResponse(2, 4, 8L << 30),
            new Message.Backoff(3, 17, 1_000_000, 500),
            new Message.Heartbeat(5, 4, 9, false, 0x5c0e),
            new Message.HeartbeatAck(5, 4, 9, true, 0x5c0e),
            new Message.Claim(5, false),
            new Message.ClaimVote(5, false, 6),
            new Message.Hello());
    for (final Message message : samples) {
      final ByteBuf buffer = Unpooled.buffer();
      codec.encode(new Envelope(1, 4, message), buffer);
      final byte[] bytes = new byte[buffer.readableBytes()];
      buffer.readBytes(bytes);
      validFrames.add(bytes);
    }
  }

  /** Random bytes, a mutated valid frame, or a valid frame cut short or run on. */
  private byte[] nextInput() {
    final int kind = random.nextInt(4);
    if (kind == 0) {
      final byte[] garbage = new byte[random.nextInt(120)];
      random.nextBytes(garbage);
      return garbage;
    }
    final byte[] frame = validFrames.get(random.nextInt(validFrames.size())).clone();
    if (kind == 1) {
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
      }
      return frame;
    }
    if (kind == 2) {
      return java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
    }
    final byte[] longer = java.util.Arrays.copyOf(frame, frame.length + 1 + random.nextInt(40));
    for (int i = frame.length; i < longer.length; i++) {
      longer[i] = (byte) random.nextInt(256);
    }
    return longer;
  }

  @Test
  void theFrameDecoderShouldOnlyEverCountRejections() {
    final RejectionCounters rejections = new RejectionCounters();
    final FrameCodec codec = new FrameCodec(KEY);
    long decoded = 0;
    long waiting = 0;
    for (int input = 0; input < INPUTS; input++) {
      final byte[] bytes = nextInput();
      final long rejectedBefore = rejections.total();
      final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(codec, rejections));
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
      channel.checkException();
      int frames = 0;
      for (Object out; (out = channel.readInbound()) != null; ) {
        assertTrue(out instanceof Envelope);
        frames++;
      }
      channel.finishAndReleaseAll();
      decoded += frames;
      if (frames == 0 && rejections.total() == rejectedBefore) {
        // Neither decoded nor refused: only a frame that is still incomplete may do that.
        assertTrue(
            bytes.length < 4 || (readLength(bytes) + 4 > bytes.length),
            "input " + input + " vanished without a decode or a rejection");
        waiting++;
      }
    }
    assertTrue(decoded > 0, "some inputs were valid frames");
    assertTrue(waiting > 0, "some inputs were incomplete frames");
    for (final Rejection reason :
        List.of(
            Rejection.BAD_LENGTH,
            Rejection.BAD_MAGIC,
            Rejection.UNSUPPORTED_VERSION,
            Rejection.BAD_AUTHENTICATOR)) {
      assertTrue(rejections.count(reason) > 0, "no " + reason + " among the inputs");
    }
  }

  private static long readLength(final byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes).getUnsignedInt(0);
  }

  @Test
  void thePayloadDecoderShouldOnlyEverCountRejections() {
    final MessageType[] types = MessageType.values();
    int decoded = 0;
    int refused = 0;
    for (int input = 0; input < INPUTS; input++) {
      final MessageType type = types[random.nextInt(types.length)];
      final byte[] payload;
      if (random.nextBoolean()) {
        payload = new byte[Math.max(0, type.payloadBytes() + random.nextInt(5) - 2)];
        random.nextBytes(payload);
      } else {
        payload = new byte[Token.HEADER_BYTES + random.nextInt(40)];
        random.nextBytes(payload);
        payload[Token.POLICY_OFFSET] = (byte) random.nextInt(5);
        payload[Token.COUNT_OFFSET] = 0;
        payload[Token.COUNT_OFFSET + 1] = 0;
        payload[Token.COUNT_OFFSET + 2] = 0;
        payload[Token.COUNT_OFFSET + 3] = (byte) random.nextInt(9);
      }
      try {
        final Message message = Message.read(type, Unpooled.wrappedBuffer(payload), 1_000);
        assertEquals(type, message.type());
        decoded++;
      } catch (final ProtocolException e) {
        assertEquals(Rejection.MALFORMED_PAYLOAD, e.reason());
        refused++;
      }
    }
    assertEquals(INPUTS, decoded + refused);
    assertTrue(decoded > 0 && refused > 0, decoded + " decoded, " + refused + " refused");
  }
}
