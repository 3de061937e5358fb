package score.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The agent's local control socket (a Unix domain socket, so only local users with file access can
 * reach it): one JSON request per connection, one JSON answer. The CLI's {@code score token} and
 * {@code score status} talk to it.
 *
 * <p>Several clients are served at once ({@link #WORKERS} at a time, {@link #QUEUED} more waiting,
 * the rest closed at once); a client that has not finished its exchange within {@link
 * #DEFAULT_CLIENT_TIMEOUT} is dropped. The socket belongs to the agent that holds the lock file
 * beside it ({@code PATH.lock}) for as long as it runs: a second agent on the same host finds the
 * lock taken and refuses to start ({@link AlreadyRunningException}) instead of taking over a live
 * agent's socket; a socket left by an agent that died is removed.
 */
public final class ControlServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REQUEST_BYTES = 4_096;

  /** Clients served at the same time. */
  public static final int WORKERS = 4;

  /** Clients waiting for a worker; beyond them a new client is closed at once. */
  public static final int QUEUED = 16;

  /** How long a client may take for its whole exchange. */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(10);

  /** Another agent holds this host's control socket. */
  public static final class AlreadyRunningException extends IOException {
    AlreadyRunningException(final String message) {
      super(message);
    }
  }

  private final Path path;
  private final Function<JsonNode, Object> handler;
  private final Duration clientTimeout;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ServerSocketChannel server;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService watchdog;
  private final Thread acceptor;

  /**
   * @param handler answers a request; returns an object Jackson can write
   * @throws AlreadyRunningException when another agent holds the socket
   */
  public ControlServer(
      final Path path, final Function<JsonNode, Object> handler, final Duration clientTimeout)
      throws IOException {
    this.path = path;
    this.handler = handler;
    this.clientTimeout = clientTimeout;
    Files.createDirectories(path.toAbsolutePath().getParent());
    final Path lockPath = path.resolveSibling(path.getFileName() + ".lock");
    this.lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock taken = null;
    try {
      taken = lockFile.tryLock();
    } catch (final java.nio.channels.OverlappingFileLockException e) {
      taken = null;
    }
    if (taken == null) {
      lockFile.close();
      throw new AlreadyRunningException(
          "another score agent is running on this host: it holds "
              + lockPath
              + " and answers on "
              + path
              + " (stop it first, or give this one another --control)");
    }
    this.lock = taken;
    try {
      // Whoever held the lock before is gone: a socket file left behind is stale.
      Files.deleteIfExists(path);
      this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
    } catch (final IOException e) {
      lock.release();
      lockFile.close();
      throw e;
    }
    this.workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(QUEUED),
            runnable -> daemon(runnable, "score-control-worker"));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "score-control-watchdog"));
    this.acceptor = daemon(this::serve, "score-control");
    acceptor.start();
  }

  public ControlServer(final Path path, final Function<JsonNode, Object> handler)
      throws IOException {
    this(path, handler, DEFAULT_CLIENT_TIMEOUT);
  }

  private static Thread daemon(final Runnable runnable, final String name) {
    final Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  private void serve() {
    while (server.isOpen()) {
      final SocketChannel client;
      try {
        client = server.accept();
      } catch (final IOException e) {
        if (server.isOpen()) {
          LOG.log(System.Logger.Level.WARNING, "control socket accept failed: " + e.getMessage());
        }
        continue;
      }
      try {
        workers.execute(() -> answerWithin(client));
      } catch (final RejectedExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, "control socket busy: a client was turned away");
        closeQuietly(client);
      }
    }
  }

  private void answerWithin(final SocketChannel client) {
    // Closing the channel from the watchdog unblocks a read or write that waits for the client.
    final ScheduledFuture<?> drop =
        watchdog.schedule(
            () -> closeQuietly(client), clientTimeout.toNanos(), TimeUnit.NANOSECONDS);
    try (client) {
      answer(client);
    } catch (final IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "control client dropped: " + e.getMessage());
    } finally {
      drop.cancel(false);
    }
  }

  private void answer(final SocketChannel client) throws IOException {
    final InputStream in = Channels.newInputStream(client);
    final OutputStream out = Channels.newOutputStream(client);
    Object answer;
    try {
      final String line = readBoundedLine(in);
      answer = handler.apply(JSON.readTree(line));
    } catch (final java.nio.channels.ClosedChannelException e) {
      throw e;
    } catch (final IOException | RuntimeException e) {
      answer = Map.of("error", "bad request: " + e.getMessage());
    }
    out.write(JSON.writeValueAsBytes(answer));
    out.write('\n');
    out.flush();
  }

  private static String readBoundedLine(final InputStream in) throws IOException {
    final byte[] line = new byte[MAX_REQUEST_BYTES];
    int length = 0;
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      if (length == MAX_REQUEST_BYTES) {
        throw new IOException("request longer than " + MAX_REQUEST_BYTES + " bytes");
      }
      line[length++] = (byte) c;
    }
    return new String(line, 0, length, StandardCharsets.UTF_8);
  }

  private static void closeQuietly(final SocketChannel client) {
    try {
      client.close();
    } catch (final IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing a control client: " + e.getMessage());
    }
  }

  /**
   * Sends {@code request} to the agent at {@code path} and returns its answer; an agent that has
   * not answered within {@link #DEFAULT_CLIENT_TIMEOUT} is given up on.
   */
  public static JsonNode request(final Path path, final Map<String, Object> request)
      throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      final java.util.concurrent.CompletableFuture<Void> giveUp =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> closeQuietly(channel),
              java.util.concurrent.CompletableFuture.delayedExecutor(
                  DEFAULT_CLIENT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS));
      try {
        return exchange(channel, path, request);
      } catch (final java.nio.channels.AsynchronousCloseException e) {
        throw new IOException("the agent did not answer within " + DEFAULT_CLIENT_TIMEOUT, e);
      } finally {
        giveUp.cancel(false);
      }
    }
  }

  private static JsonNode exchange(
      final SocketChannel channel, final Path path, final Map<String, Object> request)
      throws IOException {
    channel.connect(UnixDomainSocketAddress.of(path));
    final OutputStream out = Channels.newOutputStream(channel);
    out.write(JSON.writeValueAsBytes(request));
    out.write('\n');
    out.flush();
    return JSON.readTree(Channels.newInputStream(channel));
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
    workers.shutdownNow();
    watchdog.shutdownNow();
    try {
      lock.release();
      lockFile.close();
    } catch (final IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot release the control lock of " + path, e);
    }
  }
}
