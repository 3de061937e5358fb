package score.agent.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import score.protocol.ClusterKey;
import score.protocol.Envelope;
import score.protocol.FrameCodec;
import score.protocol.FrameDecoder;
import score.protocol.FrameEncoder;
import score.protocol.Message;
import score.protocol.RejectionListener;

/**
 * The agent's connections to its peers over TCP with Netty: it listens for frames from any peer and
 * dials each peer on first use. Everything (accepting, reading, sending, and the callbacks) runs on
 * one event-loop thread, so the logic it feeds needs no locks; {@link #eventLoop()} schedules
 * timers on that same thread.
 *
 * <p>Sending never blocks or throws: to a peer that is not connected yet the message waits (at most
 * {@link #MAX_PENDING} per peer) until the connection is up; a failed connection drops what waited
 * and is retried on a later send, no sooner than {@link #RECONNECT_DELAY_MILLIS}. Loss is the ring
 * protocol's business (acknowledgements and timeouts), not the network's.
 */
public final class PeerNetwork implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PeerNetwork.class.getName());

  /** Messages queued for a peer whose connection is still being made. */
  public static final int MAX_PENDING = 64;

  /** Least time between two connection attempts to the same peer. */
  public static final long RECONNECT_DELAY_MILLIS = 200;

  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  /** How long {@link #start} keeps trying a port that is still in use. */
  private static final long BIND_RETRY_NANOS = 10_000_000_000L;

  /** Receives every accepted envelope, on the event-loop thread. */
  @FunctionalInterface
  public interface Receiver {
    void received(Envelope envelope);
  }

  private final int selfId;
  private final InetSocketAddress listenAddress;
  private final Map<Integer, InetSocketAddress> peers;
  private final ClusterKey key;
  private final RejectionListener rejections;
  private final LongSupplier epoch;
  private final Receiver receiver;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Map<Integer, Connection> connections = new HashMap<>();
  private Channel server;

  private static final class Connection {
    Channel channel;
    boolean connecting;
    long lastAttemptMillis = Long.MIN_VALUE / 2;
    final ArrayDeque<Message> pending = new ArrayDeque<>();
  }

  /**
   * @param epoch the sender's cluster epoch, stamped on every frame
   */
  public PeerNetwork(
      final int selfId,
      final InetSocketAddress listenAddress,
      final Map<Integer, InetSocketAddress> peers,
      final ClusterKey key,
      final RejectionListener rejections,
      final LongSupplier epoch,
      final Receiver receiver) {
    this.selfId = selfId;
    this.listenAddress = Objects.requireNonNull(listenAddress);
    this.peers = Map.copyOf(peers);
    this.key = Objects.requireNonNull(key);
    this.rejections = Objects.requireNonNull(rejections);
    this.epoch = Objects.requireNonNull(epoch);
    this.receiver = Objects.requireNonNull(receiver);
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.loop = group.next();
  }

  /** Binds the listening socket; returns the bound address (useful with port 0). */
  public InetSocketAddress start() throws InterruptedException {
    final ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            // A restarted agent binds its port again at once.
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(pipeline());
    // Right after a restart the old process's connections may still hold the port for a moment:
    // retry for a while rather than fail the agent.
    final long deadline = System.nanoTime() + BIND_RETRY_NANOS;
    while (true) {
      final ChannelFuture bound = bootstrap.bind(listenAddress).await();
      if (bound.isSuccess()) {
        server = bound.channel();
        return (InetSocketAddress) server.localAddress();
      }
      if (!(bound.cause() instanceof java.net.BindException) || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "cannot listen on " + listenAddress + ": " + bound.cause().getMessage(), bound.cause());
      }
      Thread.sleep(200);
    }
  }

  public EventLoop eventLoop() {
    return loop;
  }

  public int selfId() {
    return selfId;
  }

  private ChannelInitializer<SocketChannel> pipeline() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(final SocketChannel channel) {
        channel
            .pipeline()
            .addLast(new FrameDecoder(new FrameCodec(key), rejections))
            .addLast(new FrameEncoder(new FrameCodec(key)))
            .addLast(
                new SimpleChannelInboundHandler<Envelope>() {
                  @Override
                  protected void channelRead0(
                      final ChannelHandlerContext ctx, final Envelope envelope) {
                    receiver.received(envelope);
                  }

                  @Override
                  public void exceptionCaught(
                      final ChannelHandlerContext ctx, final Throwable cause) {
                    LOG.log(
                        System.Logger.Level.DEBUG,
                        "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
                    ctx.close();
                  }
                });
      }
    };
  }

  /** Sends {@code message} to {@code hostId}; from any thread. */
  public void send(final int hostId, final Message message) {
    if (loop.inEventLoop()) {
      sendOnLoop(hostId, message);
    } else {
      loop.execute(() -> sendOnLoop(hostId, message));
    }
  }

  private void sendOnLoop(final int hostId, final Message message) {
    final InetSocketAddress address = peers.get(hostId);
    if (address == null) {
      throw new IllegalArgumentException("unknown host " + hostId);
    }
    final Connection connection = connections.computeIfAbsent(hostId, id -> new Connection());
    if (connection.channel != null && connection.channel.isActive()) {
      connection.channel.writeAndFlush(new Envelope(selfId, epoch.getAsLong(), message));
      return;
    }
    if (connection.pending.size() == MAX_PENDING) {
      connection.pending.pollFirst();
    }
    connection.pending.addLast(message);
    final long now = System.nanoTime() / 1_000_000;
    if (!connection.connecting && now - connection.lastAttemptMillis >= RECONNECT_DELAY_MILLIS) {
      connect(hostId, address, connection, now);
    } else if (!connection.connecting) {
      loop.schedule(
          () -> {
            if (!connection.connecting && !connection.pending.isEmpty()) {
              connect(hostId, address, connection, System.nanoTime() / 1_000_000);
            }
          },
          RECONNECT_DELAY_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void connect(
      final int hostId,
      final InetSocketAddress address,
      final Connection connection,
      final long nowMillis) {
    connection.connecting = true;
    connection.lastAttemptMillis = nowMillis;
    final ChannelFuture future =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(pipeline())
            .connect(address);
    future.addListener(
        done -> {
          connection.connecting = false;
          if (!done.isSuccess()) {
            connection.pending.clear();
            LOG.log(
                System.Logger.Level.DEBUG,
                "cannot reach host " + hostId + " at " + address + ": " + done.cause());
            return;
          }
          connection.channel = future.channel();
          for (Message queued; (queued = connection.pending.pollFirst()) != null; ) {
            connection.channel.write(new Envelope(selfId, epoch.getAsLong(), queued));
          }
          connection.channel.flush();
        });
  }

  /** Drops the connection to {@code hostId} (the next send dials again). */
  public void disconnect(final int hostId) {
    loop.execute(
        () -> {
          final Connection connection = connections.remove(hostId);
          if (connection != null && connection.channel != null) {
            connection.channel.close();
          }
        });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
