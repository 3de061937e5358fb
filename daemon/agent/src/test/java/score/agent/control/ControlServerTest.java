package score.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket as several operators and a careless second agent would meet it. */
class ControlServerTest {
  private static Object echo(final JsonNode request) {
    return Map.of("echo", request.path("command").asText());
  }

  @Test
  void silentClientsShouldNeitherBlockOthersNorStayForever(@TempDir final Path dir)
      throws Exception {
    final Path socket = dir.resolve("agent.sock");
    try (ControlServer server =
        new ControlServer(socket, ControlServerTest::echo, Duration.ofMillis(500))) {
      assertEquals(socket.toString(), server.toString());
      final List<SocketChannel> silent = new ArrayList<>();
      for (int i = 0; i < ControlServer.WORKERS; i++) {
        final SocketChannel idle = SocketChannel.open(StandardProtocolFamily.UNIX);
        idle.connect(UnixDomainSocketAddress.of(socket));
        silent.add(idle);
      }
      // Every worker waits for a silent client; the requests wait their turn and are answered
      // once the silent ones are dropped.
      final List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        final int n = i;
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return ControlServer.request(socket, Map.of("command", "status" + n));
                  } catch (final java.io.IOException e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertEquals("status" + i, answers.get(i).get(10, TimeUnit.SECONDS).path("echo").asText());
      }
      for (final SocketChannel idle : silent) {
        idle.configureBlocking(true);
        final int read = idle.read(ByteBuffer.allocate(16));
        assertEquals(-1, read, "a silent client is dropped after the client timeout");
        idle.close();
      }
    }
  }

  @Test
  void aSecondAgentShouldRefuseToTakeALiveSocket(@TempDir final Path dir) throws Exception {
    final Path socket = dir.resolve("agent.sock");
    try (ControlServer first = new ControlServer(socket, ControlServerTest::echo)) {
      assertEquals(socket.toString(), first.toString());
      final ControlServer.AlreadyRunningException refused =
          assertThrows(
              ControlServer.AlreadyRunningException.class,
              () -> new ControlServer(socket, ControlServerTest::echo));
      assertTrue(
          refused.getMessage().contains("another score agent is running"), refused.getMessage());
      assertEquals(
          "status",
          ControlServer.request(socket, Map.of("command", "status")).path("echo").asText(),
          "the first agent still answers");
    }
    // A socket file left behind by an agent that is gone does not stop the next one.
    Files.writeString(socket, "stale");
    try (ControlServer next = new ControlServer(socket, ControlServerTest::echo)) {
      assertEquals(socket.toString(), next.toString());
      assertEquals(
          "again", ControlServer.request(socket, Map.of("command", "again")).path("echo").asText());
    }
  }
}
