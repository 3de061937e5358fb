package score.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.agent.metrics.AgentMetrics;
import score.agent.net.ConnectionCounters;
import score.agent.net.ConnectionRefusal;
import score.protocol.Envelope;
import score.protocol.FrameCodec;
import score.protocol.Message;
import score.protocol.MessageType;
import score.protocol.Rejection;
import score.protocol.TokenPolicy;
import score.protocol.WireFormat;

/**
 * What strangers and liars can do to a running ring of five agents on loopback, with real sockets:
 * hundreds of connections that announce large frames and never finish them, and frames whose sender
 * id is not the connection's.
 */
@Tag("cluster")
class TransportGuardTest {
  private static final Duration RECOVERY = Duration.ofSeconds(10);
  private static final long MIB = 1L << 20;
  private LoopbackCluster cluster;
  private AgentMetrics metrics;

  @BeforeEach
  void startRing() throws Exception {
    cluster = new LoopbackCluster(5, TokenPolicy.LOAD_AWARE, Duration.ofMillis(200));
    cluster.startAll();
    assertTrue(LoopbackCluster.await(RECOVERY, () -> cluster.acts.get() > 20), "ring runs");
    final RingAgent target = cluster.agent(1);
    metrics =
        new AgentMetrics(
            new InetSocketAddress("127.0.0.1", 0),
            target::status,
            cluster.rejections,
            target.refusals());
  }

  @AfterEach
  void stopRing() {
    metrics.close();
    cluster.close();
    assertEquals(List.of(), new ArrayList<>(cluster.violations), "two hosts acted at once");
  }

  /** Heap in use after a collection, plus what Netty's allocator holds in buffers. */
  private static long heldBytes() {
    System.gc();
    final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long netty = 0;
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      netty = provider.metric().usedDirectMemory() + provider.metric().usedHeapMemory();
    }
    return heap + netty;
  }

  /** A frame header announcing {@code length} bytes of a {@code type} frame. */
  private static byte[] header(final long length, final MessageType type) {
    final ByteBuf header = Unpooled.buffer();
    header.writeInt((int) length);
    header.writeInt(WireFormat.MAGIC);
    header.writeByte(WireFormat.VERSION);
    header.writeByte(type.code());
    header.writeShort(0);
    header.writeInt(2);
    header.writeLong(1);
    final byte[] bytes = new byte[header.readableBytes()];
    header.readBytes(bytes);
    return bytes;
  }

  /**
   * Opens a connection to host 1 that announces {@code length} bytes and sends all but the last:
   * stops writing when the agent closes it.
   */
  private Socket announceAndStall(final long length, final MessageType type) throws IOException {
    final Socket socket = new Socket();
    socket.connect(cluster.address(1), 2_000);
    socket.setSoTimeout(2_000);
    final OutputStream out = socket.getOutputStream();
    final byte[] header = header(length, type);
    final byte[] filler = new byte[64 * 1024];
    try {
      out.write(header);
      long left = length + WireFormat.LENGTH_BYTES - header.length - 1;
      while (left > 0) {
        final int chunk = (int) Math.min(filler.length, left);
        out.write(filler, 0, chunk);
        left -= chunk;
      }
      out.flush();
    } catch (final IOException closedByTheAgent) {
      // Expected for frames above what a stranger may announce.
    }
    return socket;
  }

  @Test
  void twoHundredStalledLargeFramesShouldCostLittleAndNeverCostTheQuorum() throws Exception {
    final long before = heldBytes();
    final AtomicBoolean quorumAlways = new AtomicBoolean(true);
    final AtomicBoolean watching = new AtomicBoolean(true);
    final Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                for (int host = 1; host <= 5; host++) {
                  if (!cluster.agent(host).status().quorum()) {
                    quorumAlways.set(false);
                  }
                }
                try {
                  Thread.sleep(20);
                } catch (final InterruptedException e) {
                  return;
                }
              }
            });
    watcher.start();
    final List<Socket> sockets = new ArrayList<>();
    try {
      // Half announce the largest frame there is; half the largest a stranger may announce.
      for (int i = 0; i < 200; i++) {
        sockets.add(
            i % 2 == 0
                ? announceAndStall(WireFormat.DEFAULT_MAX_LENGTH, MessageType.TOKEN)
                : announceAndStall(WireFormat.UNAUTHENTICATED_MAX_LENGTH, MessageType.TOKEN));
      }
      final long during = heldBytes();
      System.out.printf(
          "200 stalled connections: heap and buffers grew by %.1f MiB%n",
          (during - before) / (double) MIB);
      assertTrue(
          during - before <= 32 * MIB,
          "grew by " + (during - before) / MIB + " MiB with 200 stalled connections");
      final ConnectionCounters refusals = cluster.agent(1).refusals();
      assertTrue(
          LoopbackCluster.await(
              RECOVERY,
              () ->
                  refusals.count(ConnectionRefusal.TOO_MANY_FROM_ADDRESS) > 0
                      && cluster.rejections.count(Rejection.FRAME_TOO_LARGE) > 0),
          "refused: " + refusals.count(ConnectionRefusal.TOO_MANY_FROM_ADDRESS));
      // The few admitted strangers never authenticate: closed after the handshake time.
      assertTrue(
          LoopbackCluster.await(
              RECOVERY, () -> refusals.count(ConnectionRefusal.NOT_AUTHENTICATED_IN_TIME) > 0));
      final String scraped = scrape();
      assertTrue(
          scraped.contains("score_connections_refused_total{reason=\"too_many_from_address\"}"),
          scraped);
      assertTrue(
          scraped.contains("score_frames_rejected_total{reason=\"frame_too_large\"}"), scraped);
      assertTrue(counterValue(scraped, "too_many_from_address") > 0, scraped);
    } finally {
      for (final Socket socket : sockets) {
        socket.close();
      }
      watching.set(false);
      watcher.join();
    }
    assertTrue(quorumAlways.get(), "every host kept its quorum throughout");
    final long acts = cluster.acts.get();
    assertTrue(LoopbackCluster.await(RECOVERY, () -> cluster.acts.get() > acts + 20));
    assertEquals(1, cluster.created.get(), "the token was never lost");
  }

  private String scrape() throws Exception {
    final HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private static double counterValue(final String scraped, final String reason) {
    final String prefix = "score_connections_refused_total{reason=\"" + reason + "\"} ";
    for (final String line : scraped.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(prefix.length()).trim());
      }
    }
    return -1;
  }

  /** Writes {@code envelopes} on one connection, signed with the cluster key; true if closed. */
  private boolean sendAndSeeClosed(final Envelope... envelopes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(cluster.address(1), 2_000);
      socket.setSoTimeout(5_000);
      final FrameCodec codec = new FrameCodec(cluster.key);
      final ByteBuf buffer = Unpooled.buffer();
      for (final Envelope envelope : envelopes) {
        codec.encode(envelope, buffer);
      }
      final byte[] bytes = new byte[buffer.readableBytes()];
      buffer.readBytes(bytes);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      final InputStream in = socket.getInputStream();
      try {
        return in.read() < 0;
      } catch (final java.net.SocketException reset) {
        return true;
      } catch (final java.net.SocketTimeoutException stillOpen) {
        return false;
      }
    }
  }

  @Test
  void aFrameWhoseSenderIsNotTheConnectionsShouldCloseIt() throws Exception {
    final ConnectionCounters refusals = cluster.agent(1).refusals();
    // Authentic frames (this test knows the key): first as host 2, then claiming to be host 3.
    assertTrue(
        sendAndSeeClosed(
            new Envelope(2, 0, new Message.Hello()),
            new Envelope(3, 0, new Message.Claim(1L << 40 | 3, true))),
        "the agent closes a connection whose sender changes");
    assertEquals(1, refusals.count(ConnectionRefusal.FORGED_SENDER));
    // A sender that is no member, and one that names the agent itself.
    assertTrue(sendAndSeeClosed(new Envelope(99, 0, new Message.Hello())));
    assertTrue(sendAndSeeClosed(new Envelope(1, 0, new Message.Hello())));
    assertEquals(3, refusals.count(ConnectionRefusal.FORGED_SENDER));
    final long acts = cluster.acts.get();
    assertTrue(LoopbackCluster.await(RECOVERY, () -> cluster.acts.get() > acts + 20));
    assertEquals(1, cluster.created.get(), "the forged claim changed nothing");
  }
}
