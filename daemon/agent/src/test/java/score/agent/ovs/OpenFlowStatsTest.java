package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary flow-statistics reader against a scripted switch on a Unix socket: entries split over
 * multipart replies are decoded field by field; an echo request is answered; a refused request, an
 * entry out of shape, a message shorter than its header and a silent switch are typed failures
 * within the timeout, never a hang or a crash.
 */
class OpenFlowStatsTest {
  @TempDir Path dir;

  /** Serves one connection: reads the client's two messages, answers with {@code reply}. */
  private Thread serve(final Function<Integer, byte[]> reply) throws IOException {
    final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("br.mgmt")));
    final Thread thread =
        new Thread(
            () -> {
              try (server;
                  SocketChannel client = server.accept()) {
                final ByteBuffer in = ByteBuffer.allocate(64);
                while (in.position() < 64) {
                  if (client.read(in) < 0) {
                    return;
                  }
                }
                final int xid = in.getInt(8 + 4); // the stats request's xid
                final byte[] bytes = reply.apply(xid);
                if (bytes != null) {
                  client.write(ByteBuffer.wrap(bytes));
                }
                Thread.sleep(3_000);
              } catch (final IOException | InterruptedException e) {
                // the test is over
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static ByteBuffer message(final int type, final int xid, final int bodyBytes) {
    final ByteBuffer b = ByteBuffer.allocate(8 + bodyBytes);
    b.put((byte) 1).put((byte) type).putShort((short) (8 + bodyBytes)).putInt(xid);
    return b;
  }

  /** One flow-stats entry: table 1, UDP 10.0.0.1:1024 -> 10.0.0.2:5201, 7 packets, 700 bytes. */
  private static void entry(final ByteBuffer b, final int srcIpLast) {
    b.putShort((short) 88).put((byte) 1).put((byte) 0);
    b.putInt(0x30000B); // wildcards: in_port, vlan, dl_dst, pcp, tos; the rest exact
    b.putShort((short) 0).put(new byte[] {0x52, 0x54, 0, 0, 0, 1}).put(new byte[6]);
    b.putShort((short) 0).put((byte) 0).put((byte) 0).putShort((short) 0x0800);
    b.put((byte) 0).put((byte) 17).putShort((short) 0);
    b.putInt(0x0A000000 | srcIpLast).putInt(0x0A000002);
    b.putShort((short) 1024).putShort((short) 5201);
    b.putInt(3).putInt(500_000_000).putShort((short) 100).putShort((short) 60).putShort((short) 0);
    b.put(new byte[6]).putLong(0x5c0e000000000002L).putLong(7).putLong(700);
  }

  private static byte[] bytes(final ByteBuffer... parts) {
    int total = 0;
    for (final ByteBuffer part : parts) {
      total += part.position();
    }
    final ByteBuffer all = ByteBuffer.allocate(total);
    for (final ByteBuffer part : parts) {
      all.put(part.array(), 0, part.position());
    }
    return all.array();
  }

  private OpenFlowStats stats(final Duration timeout) {
    return new OpenFlowStats(dir, timeout);
  }

  @Test
  void entriesOverMultipartRepliesShouldBeDecodedFieldByField() throws Exception {
    serve(
        xid -> {
          final ByteBuffer hello = message(0, 1, 0);
          final ByteBuffer echo = message(2, 99, 0);
          final ByteBuffer first = message(17, xid, 4 + 88);
          first.putShort((short) 1).putShort((short) 1);
          entry(first, 1);
          final ByteBuffer last = message(17, xid, 4 + 88);
          last.putShort((short) 1).putShort((short) 0);
          entry(last, 3);
          return bytes(hello, echo, first, last);
        });
    final List<String> seen = new ArrayList<>();
    final int flows =
        stats(Duration.ofSeconds(5))
            .dump(
                "br",
                line ->
                    seen.add(
                        line.table()
                            + " "
                            + Long.toHexString(line.cookie())
                            + " "
                            + line.protocol()
                            + " "
                            + Integer.toHexString(line.srcIp())
                            + ":"
                            + line.srcPort()
                            + ">"
                            + Integer.toHexString(line.dstIp())
                            + ":"
                            + line.dstPort()
                            + " "
                            + line.packets()
                            + "/"
                            + line.bytes()
                            + " "
                            + line.durationMillis()
                            + " "
                            + Long.toHexString(line.srcMac())
                            + " "
                            + line.isExactTransportFlow()));
    assertEquals(2, flows);
    assertEquals(
        List.of(
            "1 5c0e000000000002 17 a000001:1024>a000002:5201 7/700 3500 525400000001 true",
            "1 5c0e000000000002 17 a000003:1024>a000002:5201 7/700 3500 525400000001 true"),
        seen);
  }

  @Test
  void aRefusalShouldBeATypedFailure() throws Exception {
    serve(
        xid -> {
          final ByteBuffer error = message(1, xid, 4);
          error.putShort((short) 1).putShort((short) 5);
          return bytes(message(0, 1, 0), error);
        });
    final OvsException failure =
        assertThrows(OvsException.class, () -> stats(Duration.ofSeconds(5)).dump("br", l -> {}));
    assertEquals(OvsException.Kind.BAD_OUTPUT, failure.kind());
    assertTrue(failure.getMessage().contains("refused"), failure.getMessage());
  }

  @Test
  void anEntryOutOfShapeShouldBeATypedFailure() throws Exception {
    serve(
        xid -> {
          final ByteBuffer reply = message(17, xid, 4 + 88);
          reply.putShort((short) 1).putShort((short) 0);
          entry(reply, 1);
          reply.putShort(12, (short) 20); // the entry claims 20 bytes
          return bytes(message(0, 1, 0), reply);
        });
    final OvsException failure =
        assertThrows(OvsException.class, () -> stats(Duration.ofSeconds(5)).dump("br", l -> {}));
    assertEquals(OvsException.Kind.BAD_OUTPUT, failure.kind());
  }

  @Test
  void aMessageShorterThanItsHeaderShouldBeATypedFailure() throws Exception {
    serve(xid -> new byte[] {1, 0, 0, 4, 0, 0, 0, 1});
    final OvsException failure =
        assertThrows(OvsException.class, () -> stats(Duration.ofSeconds(5)).dump("br", l -> {}));
    assertEquals(OvsException.Kind.BAD_OUTPUT, failure.kind());
  }

  @Test
  void aSilentSwitchShouldTimeOut() throws Exception {
    serve(xid -> null);
    final long start = System.nanoTime();
    final OvsException failure =
        assertThrows(OvsException.class, () -> stats(Duration.ofMillis(300)).dump("br", l -> {}));
    assertEquals(OvsException.Kind.TIMEOUT, failure.kind());
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "within the timeout");
  }

  @Test
  void noSocketShouldBeSaid() {
    assertTrue(!stats(Duration.ofSeconds(1)).available("br"));
    final OvsException failure =
        assertThrows(OvsException.class, () -> stats(Duration.ofSeconds(1)).dump("br", l -> {}));
    assertEquals(OvsException.Kind.SWITCH_UNREACHABLE, failure.kind());
  }
}
