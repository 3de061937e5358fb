package score.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The agent's local control socket (a Unix domain socket, so only local users with file access can
 * reach it): one JSON request per connection, one JSON answer. The CLI's {@code score token} and
 * {@code score status} talk to it.
 */
public final class ControlServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REQUEST_CHARS = 4_096;

  private final Path path;
  private final Function<JsonNode, Object> handler;
  private final ServerSocketChannel server;
  private final Thread acceptor;

  /**
   * @param handler answers a request; returns an object Jackson can write
   */
  public ControlServer(final Path path, final Function<JsonNode, Object> handler)
      throws IOException {
    this.path = path;
    this.handler = handler;
    Files.createDirectories(path.toAbsolutePath().getParent());
    Files.deleteIfExists(path);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    this.acceptor = new Thread(this::serve, "score-control");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        answer(client);
      } catch (final IOException e) {
        if (server.isOpen()) {
          LOG.log(System.Logger.Level.WARNING, "control connection failed: " + e.getMessage());
        }
      }
    }
  }

  private void answer(final SocketChannel client) throws IOException {
    final BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
    final OutputStream out = Channels.newOutputStream(client);
    Object answer;
    try {
      final String line = readBoundedLine(in);
      answer = handler.apply(JSON.readTree(line));
    } catch (final IOException | RuntimeException e) {
      answer = Map.of("error", "bad request: " + e.getMessage());
    }
    out.write(JSON.writeValueAsBytes(answer));
    out.write('\n');
    out.flush();
  }

  private static String readBoundedLine(final BufferedReader in) throws IOException {
    final StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      if (line.length() == MAX_REQUEST_CHARS) {
        throw new IOException("request longer than " + MAX_REQUEST_CHARS + " characters");
      }
      line.append((char) c);
    }
    return line.toString();
  }

  /** Sends {@code request} to the agent at {@code path} and returns its answer. */
  public static JsonNode request(final Path path, final Map<String, Object> request)
      throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(path));
      final OutputStream out = Channels.newOutputStream(channel);
      out.write(JSON.writeValueAsBytes(request));
      out.write('\n');
      out.flush();
      return JSON.readTree(Channels.newInputStream(channel));
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (final IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove control socket " + path, e);
    }
  }
}
