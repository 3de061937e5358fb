package score.agent.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import score.protocol.ClusterKey;
import score.protocol.Envelope;
import score.protocol.FrameCodec;
import score.protocol.FrameDecoder;
import score.protocol.FrameEncoder;
import score.protocol.Message;
import score.protocol.MessageType;
import score.protocol.ProtocolException;
import score.protocol.Rejection;
import score.protocol.RejectionListener;

/**
 * The agent's connections to its peers over TCP with Netty: it listens for frames from its peers
 * and dials each peer on first use. Everything (accepting, reading, sending, and the callbacks)
 * runs on one event-loop thread, so the logic it feeds needs no locks; {@link #eventLoop()}
 * schedules timers on that same thread.
 *
 * <p>What a stranger can cost it ({@link TransportLimits}): a connection from an address that no
 * configured host has is closed at once; until a connection delivers one authenticated frame it is
 * one of a few per address and in all, may announce only a small frame, gets one chance (any bad
 * frame closes it) and a short time; afterwards it is bound to the host its first frame named, and
 * a frame naming another host closes it. A connection silent past the read timeout is closed. Each
 * refusal is counted by reason ({@link ConnectionCounters}). Every connection this agent opens
 * starts with a small {@link Message.Hello}, so it authenticates before anything large follows.
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

  /** Each peer's configured address, where it resolves: a frame naming it must come from there. */
  private final Map<Integer, InetAddress> peerAddresses = new HashMap<>();

  private final Set<InetAddress> clusterAddresses = new HashSet<>();
  private final ClusterKey key;
  private final RejectionListener rejections;
  private final TransportLimits limits;
  private final ConnectionCounters refusals;

  /** Inbound connections that have not authenticated yet, per source address. */
  private final Map<InetAddress, Integer> strangersByAddress = new HashMap<>();

  private int strangers;

  /** The authenticated inbound connection of each peer. */
  private final Map<Integer, Channel> inboundByPeer = new HashMap<>();

  private final LongSupplier epoch;
  private final Receiver receiver;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Map<Integer, Connection> connections = new HashMap<>();
  private Channel server;
  private Channel datagrams;
  private final FrameCodec datagramCodec;

  private static final class Connection {
    Channel channel;
    boolean connecting;
    boolean attempted;
    long lastAttemptMillis;
    final ArrayDeque<Message> pending = new ArrayDeque<>();
  }

  /**
   * @param peers every other host's agent address; connections are accepted only from these
   *     addresses
   * @param epoch the sender's cluster epoch, stamped on every frame
   */
  public PeerNetwork(
      final int selfId,
      final InetSocketAddress listenAddress,
      final Map<Integer, InetSocketAddress> peers,
      final ClusterKey key,
      final RejectionListener rejections,
      final TransportLimits limits,
      final ConnectionCounters refusals,
      final LongSupplier epoch,
      final Receiver receiver) {
    this.selfId = selfId;
    this.listenAddress = Objects.requireNonNull(listenAddress);
    this.peers = Map.copyOf(peers);
    this.key = Objects.requireNonNull(key);
    this.rejections = Objects.requireNonNull(rejections);
    this.limits = Objects.requireNonNull(limits);
    this.refusals = Objects.requireNonNull(refusals);
    for (final Map.Entry<Integer, InetSocketAddress> peer : this.peers.entrySet()) {
      final InetSocketAddress address =
          peer.getValue().isUnresolved()
              ? new InetSocketAddress(peer.getValue().getHostString(), peer.getValue().getPort())
              : peer.getValue();
      if (address.isUnresolved()) {
        LOG.log(
            System.Logger.Level.WARNING,
            "host " + peer.getKey() + "'s address " + peer.getValue() + " does not resolve");
        continue;
      }
      peerAddresses.put(peer.getKey(), address.getAddress());
      clusterAddresses.add(address.getAddress());
    }
    this.epoch = Objects.requireNonNull(epoch);
    this.receiver = Objects.requireNonNull(receiver);
    this.datagramCodec = new FrameCodec(key);
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
            .childHandler(inboundPipeline());
    // Right after a restart the old process's connections may still hold the port for a moment:
    // retry for a while rather than fail the agent.
    final long deadline = System.nanoTime() + BIND_RETRY_NANOS;
    while (true) {
      final ChannelFuture bound = bootstrap.bind(listenAddress).await();
      if (bound.isSuccess()) {
        server = bound.channel();
        final InetSocketAddress address = (InetSocketAddress) server.localAddress();
        bindDatagrams(new InetSocketAddress(listenAddress.getAddress(), address.getPort()));
        return address;
      }
      if (!(bound.cause() instanceof java.net.BindException) || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "cannot listen on " + listenAddress + ": " + bound.cause().getMessage(), bound.cause());
      }
      Thread.sleep(200);
    }
  }

  /**
   * Location requests travel as datagrams to the port the agent listens on (TCP and UDP share the
   * number): they are addressed to a VM, and the host that runs it answers over its connection.
   */
  private void bindDatagrams(final InetSocketAddress address) throws InterruptedException {
    final ChannelFuture bound =
        new Bootstrap()
            .group(loop)
            .channel(NioDatagramChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(
                      final ChannelHandlerContext ctx, final DatagramPacket packet) {
                    receiveDatagram(packet);
                  }
                })
            .bind(address)
            .await();
    if (!bound.isSuccess()) {
      server.close();
      throw new IllegalStateException(
          "cannot receive datagrams on " + address + ": " + bound.cause().getMessage(),
          bound.cause());
    }
    datagrams = bound.channel();
  }

  /** Only location requests may come as datagrams, one frame each, from a peer's own address. */
  private void receiveDatagram(final DatagramPacket packet) {
    final InetSocketAddress from = packet.sender();
    final io.netty.buffer.ByteBuf content = packet.content();
    final Envelope envelope;
    try {
      envelope = datagramCodec.decode(content);
    } catch (final ProtocolException e) {
      rejections.rejected(e.reason(), e.getMessage() + " (datagram)", from);
      return;
    }
    if (envelope == null || content.isReadable()) {
      rejections.rejected(
          Rejection.BAD_LENGTH, "a datagram must hold exactly one whole frame", from);
      return;
    }
    if (envelope.message().type() != MessageType.LOCATION_REQUEST) {
      rejections.rejected(
          Rejection.UNKNOWN_TYPE, envelope.message().type() + " may not come as a datagram", from);
      return;
    }
    final int sender = envelope.sender();
    if (sender == selfId) {
      return; // our own probe for a VM that just arrived here: answered locally already
    }
    final InetAddress configured = peerAddresses.get(sender);
    if (!peers.containsKey(sender)
        || (configured != null && !configured.equals(from.getAddress()))) {
      refusals.refused(
          ConnectionRefusal.FORGED_SENDER,
          from,
          "datagram claims host " + sender + " from " + from.getAddress().getHostAddress());
      return;
    }
    receiver.received(envelope);
  }

  /**
   * Sends {@code message} as one datagram to {@code to} (a VM's address: the host that runs it
   * steers it to its agent); from any thread. Lost datagrams are the asker's timeout.
   */
  public void sendDatagram(final InetSocketAddress to, final Message message) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> sendDatagram(to, message));
      return;
    }
    if (datagrams == null) {
      return;
    }
    final Envelope envelope = new Envelope(selfId, epoch.getAsLong(), message);
    final io.netty.buffer.ByteBuf frame =
        datagrams.alloc().buffer(FrameCodec.encodedBytes(envelope));
    datagramCodec.encode(envelope, frame);
    datagrams.writeAndFlush(new DatagramPacket(frame, to));
  }

  public EventLoop eventLoop() {
    return loop;
  }

  public int selfId() {
    return selfId;
  }

  /** Connections peers open to this agent: guarded, bounded, bound to one sender. */
  private ChannelInitializer<SocketChannel> inboundPipeline() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(final SocketChannel channel) {
        channel
            .pipeline()
            .addLast(new Admission())
            .addLast(
                new IdleStateHandler(
                    limits.readIdleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS))
            .addLast(
                new FrameDecoder(
                    new FrameCodec(key), rejections, limits.unauthenticatedMaxFrameBytes()))
            .addLast(new FrameEncoder(new FrameCodec(key)))
            .addLast(new Delivery(-1));
      }
    };
  }

  /** Connections this agent opens to peer {@code hostId}: peers only read from them. */
  private ChannelInitializer<SocketChannel> outboundPipeline(final int hostId) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(final SocketChannel channel) {
        channel
            .pipeline()
            .addLast(
                new FrameDecoder(
                    new FrameCodec(key), rejections, limits.unauthenticatedMaxFrameBytes()))
            .addLast(new FrameEncoder(new FrameCodec(key)))
            .addLast(new Delivery(hostId));
      }
    };
  }

  private void refuse(
      final ChannelHandlerContext ctx, final ConnectionRefusal reason, final String detail) {
    refusals.refused(reason, ctx.channel().remoteAddress(), detail);
    ctx.close();
  }

  /**
   * Admits a new inbound connection, or refuses it: unknown address, or too many strangers from its
   * address or in all. Gives it the handshake time to authenticate and closes it when silent.
   */
  private final class Admission extends ChannelInboundHandlerAdapter {
    private InetAddress source;
    private boolean stranger;

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
      source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
      if (!clusterAddresses.contains(source)) {
        refuse(ctx, ConnectionRefusal.UNKNOWN_ADDRESS, "not a cluster address");
        return;
      }
      final int fromSource = strangersByAddress.getOrDefault(source, 0);
      if (fromSource >= limits.unauthenticatedPerAddress()) {
        refuse(
            ctx,
            ConnectionRefusal.TOO_MANY_FROM_ADDRESS,
            fromSource + " unauthenticated connections from this address already");
        return;
      }
      if (strangers >= limits.unauthenticatedTotal()) {
        refuse(
            ctx,
            ConnectionRefusal.TOO_MANY_CONNECTIONS,
            strangers + " unauthenticated connections already");
        return;
      }
      stranger = true;
      strangers++;
      strangersByAddress.merge(source, 1, Integer::sum);
      ctx.executor()
          .schedule(
              () -> {
                if (stranger && ctx.channel().isActive()) {
                  refuse(
                      ctx,
                      ConnectionRefusal.NOT_AUTHENTICATED_IN_TIME,
                      "no authenticated frame within " + limits.handshakeTimeout());
                }
              },
              limits.handshakeTimeout().toNanos(),
              TimeUnit.NANOSECONDS);
      ctx.fireChannelActive();
    }

    /** The connection delivered an authenticated frame: it no longer counts as a stranger's. */
    void authenticated() {
      if (stranger) {
        stranger = false;
        leave();
      }
    }

    private void leave() {
      strangers--;
      strangersByAddress.computeIfPresent(source, (address, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
      if (stranger) {
        stranger = false;
        leave();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
      if (event instanceof IdleStateEvent) {
        refuse(ctx, ConnectionRefusal.IDLE, "silent for " + limits.readIdleTimeout());
        return;
      }
      ctx.fireUserEventTriggered(event);
    }
  }

  /**
   * Checks each frame's sender against the connection, consumes HELLO, and hands the rest to the
   * receiver. {@code dialled} is the peer an outbound connection was opened to, -1 for inbound.
   */
  private final class Delivery extends SimpleChannelInboundHandler<Envelope> {
    private int boundSender;

    Delivery(final int dialled) {
      this.boundSender = dialled;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final Envelope envelope) {
      final int sender = envelope.sender();
      if (boundSender < 0) {
        final String why = cannotBeFrom(sender, ctx.channel());
        if (why != null) {
          refuse(ctx, ConnectionRefusal.FORGED_SENDER, why);
          return;
        }
        boundSender = sender;
        final Admission admission = ctx.pipeline().get(Admission.class);
        if (admission != null) {
          admission.authenticated();
          final Channel older = inboundByPeer.put(sender, ctx.channel());
          if (older != null && older != ctx.channel()) {
            // A peer that reconnected: its older connection is dead or about to be.
            older.close();
          }
        }
      } else if (sender != boundSender) {
        refuse(
            ctx,
            ConnectionRefusal.FORGED_SENDER,
            "sender " + sender + " on the connection of host " + boundSender);
        return;
      }
      if (envelope.message() instanceof Message.Hello) {
        return;
      }
      receiver.received(envelope);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
      if (boundSender >= 0) {
        inboundByPeer.remove(boundSender, ctx.channel());
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
      ctx.close();
    }
  }

  /** Why {@code sender} cannot be the host at the other end of {@code channel}, or null. */
  private String cannotBeFrom(final int sender, final Channel channel) {
    if (sender == selfId || !peers.containsKey(sender)) {
      return "sender " + sender + " is not a peer";
    }
    final InetAddress configured = peerAddresses.get(sender);
    final InetAddress actual = ((InetSocketAddress) channel.remoteAddress()).getAddress();
    if (configured != null && !configured.equals(actual)) {
      return "host " + sender + " is configured at " + configured.getHostAddress();
    }
    return null;
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
    if (!connection.connecting
        && (!connection.attempted
            || now - connection.lastAttemptMillis >= RECONNECT_DELAY_MILLIS)) {
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
    connection.attempted = true;
    connection.lastAttemptMillis = nowMillis;
    final ChannelFuture future =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(outboundPipeline(hostId))
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
          connection.channel.write(new Envelope(selfId, epoch.getAsLong(), new Message.Hello()));
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
