package score.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.net.ConnectionRefusal;
import score.core.ring.PassOnWork;
import score.core.ring.RingEvents;
import score.core.ring.RingSettings;
import score.protocol.ClusterKey;
import score.protocol.Envelope;
import score.protocol.FrameCodec;
import score.protocol.Message;
import score.protocol.RejectionCounters;
import score.protocol.Token;
import score.protocol.TokenPolicy;
import score.testbed.TestBed;

/**
 * Connections from real other hosts (network namespaces on an Open vSwitch bridge): one whose
 * address no host of the cluster has is closed at once and counted; the configured peer's address
 * gets in. Needs root and Open vSwitch.
 */
@Tag("ovs")
class StrangerAddressTest {
  private static final String ROOT_ADDRESS = "10.204.0.254";
  private TestBed bed;
  private RingAgent agent;
  private final ClusterKey key = ClusterKey.generate();
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    bed = TestBed.up("scstr", 2, "10.204.0");
    TestBed.run(List.of("ip", "addr", "replace", ROOT_ADDRESS + "/24", "dev", "scstr"), 10);
    port = LoopbackCluster.freePort();
    // Host 1 is this agent; host 2, the only peer, lives at namespace 2's address.
    final RingSettings settings =
        new RingSettings(
            1,
            List.of(1, 2),
            Duration.ofSeconds(1),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            Duration.ofMillis(300),
            0.05);
    agent =
        new RingAgent(
            settings,
            new InetSocketAddress("0.0.0.0", port),
            Map.of(2, new InetSocketAddress(bed.address(2), LoopbackCluster.freePort())),
            key,
            new RejectionCounters(),
            PassOnWork.unpaced(1_000_000_000L),
            RingEvents.NONE,
            () -> new Token(TokenPolicy.ROUND_ROBIN, 0, 0, 0, 1, new int[0], null));
    agent.start();
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  /** From namespace {@code host}: connect to the agent, send {@code file}, read until closed. */
  private TestBed.Result connectFrom(final int host, final Path file) {
    return bed.inHost(
        host,
        List.of(
            "timeout",
            "5",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/"
                + ROOT_ADDRESS
                + "/"
                + port
                + " && cat "
                + file
                + " >&3 && cat <&3"),
        10);
  }

  @Test
  void anAddressOutsideTheClusterShouldBeClosedAtOnceAndCounted(@TempDir final Path dir)
      throws Exception {
    final ByteBuf hello = Unpooled.buffer();
    new FrameCodec(key).encode(new Envelope(2, 0, new Message.Hello()), hello);
    final byte[] bytes = new byte[hello.readableBytes()];
    hello.readBytes(bytes);
    final Path frame = Files.write(dir.resolve("hello"), bytes);
    dir.toFile().setReadable(true, false);
    frame.toFile().setReadable(true, false);

    // Namespace 1 is no host of the cluster: closed at once, even with an authentic frame.
    final long started = System.nanoTime();
    final TestBed.Result stranger = connectFrom(1, frame);
    final long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(0, stranger.exit(), "the agent closed the connection: " + stranger.output());
    assertTrue(tookMillis < 3_000, "closed at once, not after a timeout: " + tookMillis + " ms");
    assertEquals(1, agent.refusals().count(ConnectionRefusal.UNKNOWN_ADDRESS));

    // Namespace 2 is host 2's configured address: its authentic HELLO gets it in (it then stays
    // open until the test's timeout ends the client).
    final TestBed.Result peer = connectFrom(2, frame);
    assertEquals(124, peer.exit(), "host 2's connection stays open: " + peer.output());
    assertEquals(1, agent.refusals().count(ConnectionRefusal.UNKNOWN_ADDRESS));
    assertEquals(0, agent.refusals().count(ConnectionRefusal.FORGED_SENDER));
  }
}
