package score.agent.ring;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import score.agent.net.ConnectionCounters;
import score.agent.net.PeerNetwork;
import score.agent.net.TransportLimits;
import score.core.ring.RingEvents;
import score.core.ring.RingNode;
import score.core.ring.RingSettings;
import score.core.ring.RingStatus;
import score.core.ring.TokenWork;
import score.protocol.ClusterKey;
import score.protocol.RejectionListener;
import score.protocol.Token;

/**
 * One host's ring over real sockets: a {@link RingNode} fed by a {@link PeerNetwork}, both on the
 * network's single event-loop thread, ticked by a timer ({@link #tickNanos}) and after every
 * message.
 */
public final class RingAgent implements AutoCloseable {
  /**
   * The timer that drives heartbeats, timeouts and claims ticks ten times per heartbeat or
   * acknowledgement timeout, whichever is shorter (at least every millisecond, at most every 50
   * ms): fine enough for the timeouts, and an idle agent wakes only 20 times a second with the
   * defaults. Every message received also ticks the node.
   */
  static long tickNanos(final RingSettings settings) {
    final long shortest =
        Math.min(settings.heartbeat().toNanos(), settings.ackTimeout().toNanos()) / 10;
    return Math.max(1_000_000L, Math.min(50_000_000L, shortest));
  }

  private final long tickNanos;
  private final ConnectionCounters refusals;

  private final PeerNetwork network;
  private final RingNode node;
  private ScheduledFuture<?> ticker;
  private long nextTickAt;
  private volatile boolean closed;
  private volatile java.util.function.Predicate<score.protocol.Envelope> others;

  /** A ring agent with the default transport limits for its heartbeat. */
  public RingAgent(
      final RingSettings settings,
      final InetSocketAddress listen,
      final Map<Integer, InetSocketAddress> peers,
      final ClusterKey key,
      final RejectionListener rejections,
      final TokenWork work,
      final RingEvents events,
      final Supplier<Token> firstToken) {
    this(
        settings,
        listen,
        peers,
        key,
        rejections,
        TransportLimits.defaults(settings.heartbeat()),
        new ConnectionCounters(),
        work,
        events,
        firstToken);
  }

  public RingAgent(
      final RingSettings settings,
      final InetSocketAddress listen,
      final Map<Integer, InetSocketAddress> peers,
      final ClusterKey key,
      final RejectionListener rejections,
      final TransportLimits limits,
      final ConnectionCounters refusals,
      final TokenWork work,
      final RingEvents events,
      final Supplier<Token> firstToken) {
    this.refusals = refusals;
    final RingNode[] holder = new RingNode[1];
    this.network =
        new PeerNetwork(
            settings.selfId(),
            listen,
            peers,
            key,
            rejections,
            limits,
            refusals,
            // The cluster epoch stamped on every frame: the node's own, read on its thread.
            () -> holder[0] == null ? 0 : holder[0].tokenEpoch(),
            envelope -> {
              final long now = System.nanoTime();
              final java.util.function.Predicate<score.protocol.Envelope> side = others;
              if (side == null || !side.test(envelope)) {
                holder[0].received(envelope.sender(), envelope.message(), now);
              }
              holder[0].tick(now);
              rearm(now);
            });
    this.node = new RingNode(settings, network::send, work, events, firstToken);
    this.tickNanos = tickNanos(settings);
    holder[0] = node;
  }

  /**
   * Where messages that are not the ring's go first (probes): the handler returns whether it took
   * the message. Set before {@link #start}; called on the ring's thread, and the node is ticked
   * after it, so a holder waiting for an answer goes on at once.
   */
  public void onOtherMessages(final java.util.function.Predicate<score.protocol.Envelope> handler) {
    this.others = handler;
  }

  /** The transport, for the adapters that share it (probes). */
  public PeerNetwork network() {
    return network;
  }

  /** Runs {@code task} on the ring's thread, then ticks the node (a migration's end). */
  public void runOnRing(final Runnable task) {
    network
        .eventLoop()
        .execute(
            () -> {
              if (closed) {
                return;
              }
              task.run();
              final long now = System.nanoTime();
              node.tick(now);
              rearm(now);
            });
  }

  /** Binds, starts the node and its timer; returns the bound address. */
  public InetSocketAddress start() throws InterruptedException {
    final InetSocketAddress bound = network.start();
    try {
      network.eventLoop().submit(() -> node.start(System.nanoTime())).get();
    } catch (final ExecutionException e) {
      throw new IllegalStateException("ring node failed to start", e.getCause());
    }
    network.eventLoop().execute(this::tickAndRearm);
    return bound;
  }

  /** The timer's task: tick, then sleep as long as the node allows. On the ring's thread. */
  private void tickAndRearm() {
    if (closed) {
      return;
    }
    final long now = System.nanoTime();
    node.tick(now);
    ticker = null;
    rearm(now);
  }

  /**
   * Makes sure the timer fires no later than the node wants (after a message or a command its state
   * may want a finer clock than the timer was set for). On the ring's thread.
   */
  private void rearm(final long nowNanos) {
    if (closed) {
      return;
    }
    final long wanted = nowNanos + node.nanosUntilTick(nowNanos, tickNanos);
    if (ticker != null && wanted - nextTickAt >= 0) {
      return;
    }
    if (ticker != null) {
      ticker.cancel(false);
    }
    nextTickAt = wanted;
    ticker =
        network.eventLoop().schedule(this::tickAndRearm, wanted - nowNanos, TimeUnit.NANOSECONDS);
  }

  /** Connections this agent refused or closed, by reason. */
  public ConnectionCounters refusals() {
    return refusals;
  }

  /** The node's view, read on its own thread. */
  public RingStatus status() {
    try {
      return network
          .eventLoop()
          .submit(() -> node.status(System.nanoTime()))
          .get(5, TimeUnit.SECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (final ExecutionException | TimeoutException e) {
      throw new IllegalStateException("ring node did not answer", e);
    }
  }

  /** {@code score token inject}, run on the ring's thread. */
  public RingNode.InjectResult inject(
      final score.protocol.TokenPolicy policy, final boolean force) {
    try {
      return network
          .eventLoop()
          .submit(
              () -> {
                final long now = System.nanoTime();
                final RingNode.InjectResult result = node.inject(policy, force, now);
                rearm(now);
                return result;
              })
          .get(5, TimeUnit.SECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (final ExecutionException | TimeoutException e) {
      throw new IllegalStateException("ring node did not answer", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    final ScheduledFuture<?> pending = ticker;
    if (pending != null) {
      pending.cancel(false);
    }
    network.close();
  }
}
