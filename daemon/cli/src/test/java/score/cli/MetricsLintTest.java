package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.Agent;
import score.protocol.ClusterKey;

/**
 * The agent's metrics as Prometheus's own linter reads them: {@code promtool check metrics} (from
 * Debian's prometheus package, installed by deploy/setup-host.sh) finds no problem in what a
 * running agent serves.
 */
@Tag("root")
class MetricsLintTest {
  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void promtoolShouldFindNoProblemInTheAgentsMetrics(@TempDir final Path dir) throws Exception {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final Path file =
        Files.writeString(
            dir.resolve("agent.yaml"),
            "key-file: "
                + key
                + "\nring-only: true"
                + "\nmembers:\n  - {id: 1, address: 127.0.0.1:"
                + freePort()
                + "}\n");
    try (Agent agent =
        Agent.start(
            new Agent.Options(
                file, 1, dir.resolve("a.sock"), new InetSocketAddress("127.0.0.1", 0)))) {
      final String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + agent.metricsAddress().getPort() + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(metrics.contains("score_ring_quorum"), metrics);
      final Path body = Files.writeString(dir.resolve("metrics.txt"), metrics);
      final Process promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(body.toFile())
              .redirectErrorStream(true)
              .start();
      final boolean ended = promtool.waitFor(30, TimeUnit.SECONDS);
      final String said =
          new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(ended, "promtool ended");
      assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said + "\n" + metrics);
      assertEquals("", said.strip(), "no lint problem");
    }
  }
}
