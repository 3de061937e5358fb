package score.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameDecoderTest {
  private static final ClusterKey KEY = FrameCodecPropertyTest.KEY;
  private static final Envelope HELLO =
      new Envelope(7, 3, new Message.Heartbeat(1, 3, 9, false, 0x5c0e));

  private final RejectionCounters rejections = new RejectionCounters();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new FrameDecoder(new FrameCodec(KEY), rejections));

  private static ByteBuf frame(final ClusterKey key, final Envelope envelope) {
    final ByteBuf buffer = Unpooled.buffer();
    new FrameCodec(key).encode(envelope, buffer);
    return buffer;
  }

  @Test
  void partialInputShouldProduceNothingUntilTheFrameIsComplete() {
    final ByteBuf whole = frame(KEY, HELLO);
    for (int i = 0; i < whole.readableBytes() - 1; i++) {
      channel.writeInbound(whole.copy(i, 1));
      assertNull(channel.readInbound(), "after byte " + i);
    }
    channel.writeInbound(whole.copy(whole.readableBytes() - 1, 1));
    assertEquals(HELLO, channel.readInbound());
    whole.release();
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void aWrongKeyShouldBeCountedAndTheNextGoodFrameStillRead() {
    channel.writeInbound(frame(KEY, HELLO));
    assertEquals(HELLO, channel.readInbound());
    final ClusterKey other = ClusterKey.generate();
    channel.writeInbound(frame(other, HELLO));
    assertNull(channel.readInbound());
    assertEquals(1, rejections.count(Rejection.BAD_AUTHENTICATOR));
    assertTrue(channel.isOpen());
    channel.writeInbound(frame(KEY, HELLO));
    assertEquals(HELLO, channel.readInbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void anOversizedLengthShouldCloseWithoutBufferingTheRest() {
    final ByteBuf huge = Unpooled.buffer().writeInt(WireFormat.DEFAULT_MAX_LENGTH + 1);
    huge.writeInt(WireFormat.MAGIC);
    // A good frame behind the bad length is discarded with it: boundaries cannot be trusted.
    final ByteBuf good = frame(KEY, HELLO);
    huge.writeBytes(good);
    good.release();
    channel.writeInbound(huge);
    assertEquals(1, rejections.count(Rejection.BAD_LENGTH));
    assertFalse(channel.isOpen());
    assertNull(channel.readInbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void aStrangerShouldGetOneChance() {
    channel.writeInbound(frame(ClusterKey.generate(), HELLO));
    assertEquals(1, rejections.count(Rejection.BAD_AUTHENTICATOR));
    assertFalse(channel.isOpen(), "no authenticated frame yet: any refusal closes");
    channel.finishAndReleaseAll();
  }

  @Test
  void aStrangerShouldNotMakeTheDecoderWaitForALargeFrame() {
    final ByteBuf header = Unpooled.buffer();
    header.writeInt(WireFormat.UNAUTHENTICATED_MAX_LENGTH + 1);
    header.writeInt(WireFormat.MAGIC);
    header.writeByte(WireFormat.VERSION);
    header.writeByte(MessageType.TOKEN.code());
    channel.writeInbound(header);
    assertEquals(1, rejections.count(Rejection.FRAME_TOO_LARGE));
    assertFalse(channel.isOpen(), "refused from the header, before the payload arrives");
    channel.finishAndReleaseAll();
  }

  @Test
  void eachTypeShouldBeBoundedByItsLayoutEvenAfterAuthentication() {
    channel.writeInbound(frame(KEY, HELLO));
    assertEquals(HELLO, channel.readInbound());
    // A heartbeat announcing 4 MiB: its layout allows 33 bytes of payload.
    final ByteBuf header = Unpooled.buffer();
    header.writeInt(WireFormat.DEFAULT_MAX_LENGTH);
    header.writeInt(WireFormat.MAGIC);
    header.writeByte(WireFormat.VERSION);
    header.writeByte(MessageType.HEARTBEAT.code());
    channel.writeInbound(header);
    assertEquals(1, rejections.count(Rejection.FRAME_TOO_LARGE));
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void aLargeTokenShouldPassOnceTheConnectionIsAuthenticated() {
    final int vms = 20_000;
    final Token token = new Token(TokenPolicy.ROUND_ROBIN, 1, 1, 0, 1, new int[vms], null);
    final Envelope large = new Envelope(7, 1, new Message.TokenMessage(token));
    channel.writeInbound(frame(KEY, new Envelope(7, 1, new Message.Hello())));
    assertEquals(new Envelope(7, 1, new Message.Hello()), channel.readInbound());
    channel.writeInbound(frame(KEY, large));
    assertEquals(large, channel.readInbound());
    assertTrue(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void aBadMagicShouldClose() {
    final ByteBuf bad = frame(KEY, HELLO);
    bad.setInt(WireFormat.MAGIC_OFFSET, 0x47455420); // "GET "
    channel.writeInbound(bad);
    assertEquals(1, rejections.count(Rejection.BAD_MAGIC));
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void unknownVersionsAndTypesShouldBeSkippedWithAReason() throws Exception {
    channel.writeInbound(frame(KEY, HELLO));
    assertEquals(HELLO, channel.readInbound());
    final ByteBuf newer = frame(KEY, HELLO);
    newer.setByte(WireFormat.VERSION_OFFSET, 2);
    channel.writeInbound(newer);
    assertEquals(1, rejections.count(Rejection.UNSUPPORTED_VERSION));

    // An unknown type with a valid authenticator: as a newer peer would send.
    final ByteBuf unknown = frame(KEY, HELLO);
    unknown.setByte(WireFormat.TYPE_OFFSET, 200);
    reauthenticate(unknown);
    channel.writeInbound(unknown);
    assertEquals(1, rejections.count(Rejection.UNKNOWN_TYPE));

    channel.writeInbound(frame(KEY, HELLO));
    assertEquals(HELLO, channel.readInbound());
    assertTrue(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void aTokenClaimingMoreVmsThanItCarriesShouldBeRefusedBeforeAllocating() throws Exception {
    final Token token =
        new Token(TokenPolicy.DISTRIBUTED, 1, 1, 0, 1, new int[] {1, 2}, new byte[] {1, 2});
    final ByteBuf lying = frame(KEY, new Envelope(1, 1, new Message.TokenMessage(token)));
    lying.setInt(WireFormat.PAYLOAD_OFFSET + Token.COUNT_OFFSET, Integer.MAX_VALUE);
    reauthenticate(lying);
    final ProtocolException refused =
        assertThrows(ProtocolException.class, () -> new FrameCodec(KEY).decode(lying));
    assertEquals(Rejection.MALFORMED_PAYLOAD, refused.reason());
    assertTrue(refused.getMessage().contains("token too large"), refused.getMessage());
    assertEquals(0, lying.readableBytes(), "exactly the refused frame is consumed");
  }

  @Test
  void keysShouldLoadFromHexOrRawFilesAndRefuseShortOnes(@TempDir final Path dir) throws Exception {
    final ClusterKey key = ClusterKey.generate();
    final Path hex = Files.writeString(dir.resolve("hex"), key.toHex() + "\n");
    assertEquals(key.toHex(), ClusterKey.load(hex).toHex());
    final Path raw = Files.write(dir.resolve("raw"), new byte[64]);
    assertEquals(128, ClusterKey.load(raw).toHex().length());
    final Path shortKey = Files.writeString(dir.resolve("short"), "secret");
    final IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(shortKey));
    assertTrue(refused.getMessage().contains(shortKey.toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("too short"), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterKey.load(dir.resolve("missing")));
  }

  /** Recomputes the authenticator after a test changed the frame on purpose. */
  static void reauthenticate(final ByteBuf frame) throws Exception {
    final javax.crypto.Mac mac = KEY.newMac();
    final int authenticated = frame.readableBytes() - WireFormat.AUTHENTICATOR_BYTES;
    final byte[] bytes = new byte[authenticated];
    frame.getBytes(0, bytes);
    final byte[] tag = mac.doFinal(bytes);
    frame.setBytes(authenticated, tag, 0, WireFormat.AUTHENTICATOR_BYTES);
  }
}
