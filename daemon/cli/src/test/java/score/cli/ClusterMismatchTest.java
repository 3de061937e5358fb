package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.Agent;
import score.core.ring.RingStatus;
import score.protocol.ClusterKey;

/**
 * Two agents with one key whose cluster files differ (the second lists a third host): each sees the
 * other's fingerprint, counts it toward no majority, and says so in its status and its metrics.
 */
class ClusterMismatchTest {
  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void agentsWhoseClusterFilesDifferShouldNotCountEachOther(@TempDir final Path dir)
      throws Exception {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final int port1 = freePort();
    final int port2 = freePort();
    final String common =
        "key-file "
            + key
            + "\nheartbeat 100ms\nlease 300ms\nrotation-base 1s\n"
            + "host 1 127.0.0.1:"
            + port1
            + "\nhost 2 127.0.0.1:"
            + port2
            + "\n";
    final Path fileOfHost1 = Files.writeString(dir.resolve("one.conf"), common);
    final Path fileOfHost2 =
        Files.writeString(
            dir.resolve("two.conf"), common + "host 3 127.0.0.1:" + freePort() + "\n");
    final Path control1 = dir.resolve("one.sock");
    final Path control2 = dir.resolve("two.sock");
    try (Agent one =
            Agent.start(
                new Agent.Options(
                    fileOfHost1, 1, control1, new InetSocketAddress("127.0.0.1", 0)));
        Agent two =
            Agent.start(
                new Agent.Options(
                    fileOfHost2, 2, control2, new InetSocketAddress("127.0.0.1", 0)))) {
      final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((one.ring().status().mismatchedPeers().isEmpty()
              || two.ring().status().mismatchedPeers().isEmpty())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      final RingStatus first = one.ring().status();
      final RingStatus second = two.ring().status();
      assertEquals(List.of(2), first.mismatchedPeers());
      assertEquals(List.of(1), second.mismatchedPeers());
      // They hear each other's heartbeats all along, yet count none of them.
      Thread.sleep(500);
      assertEquals(0, one.ring().status().livePeers());
      assertEquals(0, two.ring().status().livePeers());
      assertFalse(one.ring().status().quorum(), "host 1 alone is no majority of 2");
      assertFalse(two.ring().status().quorum(), "host 2 alone is no majority of 3");

      final CliRun status1 = CliRun.of("status", "--control", control1.toString());
      assertEquals(ExitCode.OK, status1.exitCode(), status1.err());
      assertTrue(status1.out().contains("NO QUORUM"), status1.out());
      assertTrue(
          status1.out().contains("hosts [2] run with another cluster configuration"),
          status1.out());
      final CliRun status2 = CliRun.of("status", "--control", control2.toString(), "--json");
      assertTrue(status2.out().contains("\"mismatchedPeers\":[1]"), status2.out());

      for (final Agent agent : List.of(one, two)) {
        final String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + agent.metricsAddress().getPort()
                                    + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(metrics.contains("score_ring_config_mismatched_peers 1.0"), metrics);
        assertTrue(metrics.contains("score_ring_quorum 0.0"), metrics);
      }
    }
  }
}
