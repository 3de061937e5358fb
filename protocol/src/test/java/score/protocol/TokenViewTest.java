package score.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TokenViewTest {
  @Provide
  Arbitrary<Token> tokens() {
    return Messages.tokens(300);
  }

  private static ByteBuf packed(final Token token) {
    final ByteBuf buffer = Unpooled.buffer();
    buffer.writeZero(7); // the token need not start at the buffer's beginning
    token.write(buffer);
    return buffer;
  }

  @Property(tries = 300)
  void theViewShouldReadWhatTheTokenWrote(@ForAll("tokens") final Token token) throws Exception {
    final ByteBuf buffer = packed(token);
    final TokenView view =
        new TokenView().wrap(buffer, 7, buffer.readableBytes() - 7, token.vmCount());
    assertEquals(token.policy(), view.policy());
    assertEquals(token.epoch(), view.epoch());
    assertEquals(token.sequence(), view.sequence());
    assertEquals(token.position(), view.position());
    assertEquals(token.creator(), view.creator());
    assertEquals(token.vmCount(), view.vmCount());
    for (int i = 0; i < token.vmCount(); i++) {
      assertEquals(token.vmId(i), view.vmId(i));
      assertEquals(token.level(i), view.level(i));
    }
    assertEquals(token, view.toToken());
  }

  @Test
  void readingEveryEntryShouldAllocateNothing() throws Exception {
    final int vms = 40_960;
    final int[] ids = new int[vms];
    final byte[] levels = new byte[vms];
    for (int i = 0; i < vms; i++) {
      ids[i] = 0x0A000000 + i;
      levels[i] = (byte) i;
    }
    final ByteBuf buffer = packed(new Token(TokenPolicy.LOAD_AWARE, 3, 9, 5, 1, ids, levels));
    final TokenView view = new TokenView();
    final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    final long thread = Thread.currentThread().getId();
    long checksum = 0;
    for (int warm = 0; warm < 20; warm++) {
      checksum += sum(view.wrap(buffer, 7, buffer.readableBytes() - 7, vms));
    }
    final long before = threads.getThreadAllocatedBytes(thread);
    for (int round = 0; round < 10; round++) {
      checksum += sum(view.wrap(buffer, 7, buffer.readableBytes() - 7, vms));
    }
    final long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(allocated < 1_024, "allocated " + allocated + " bytes reading 409,600 entries");
    assertTrue(checksum != 0);
  }

  private static long sum(final TokenView view) {
    long sum = view.epoch() + view.indexOf(0x0A000000 + 77);
    for (int i = 0; i < view.vmCount(); i++) {
      sum += view.vmId(i) + view.level(i);
    }
    return sum;
  }

  @Test
  void aBadTokenShouldBeRefusedWithWhatIsWrong() throws Exception {
    final ByteBuf buffer =
        packed(new Token(TokenPolicy.ROUND_ROBIN, 1, 1, 0, 1, new int[] {1, 2, 3}, null));
    final int length = buffer.readableBytes() - 7;
    final TokenView view = new TokenView();
    assertEquals(
        "token size mismatch: bytes=" + (length - 1) + " expected=" + length,
        assertThrows(ProtocolException.class, () -> view.wrap(buffer, 7, length - 1, 10)).detail());
    assertTrue(
        assertThrows(ProtocolException.class, () -> view.wrap(buffer, 7, length, 2))
            .detail()
            .contains("token too large"));
    assertThrows(IllegalStateException.class, view::vmCount, "a failed wrap leaves no view");
    view.wrap(buffer, 7, length, 10);
    assertThrows(IndexOutOfBoundsException.class, () -> view.vmId(3));
  }
}
