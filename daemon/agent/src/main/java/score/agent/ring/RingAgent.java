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
  private static final System.Logger LOG = System.getLogger(RingAgent.class.getName());

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

  /**
   * Faults on the ring's thread: a step that threw was counted and logged, and the loop went on.
   */
  private final java.util.concurrent.atomic.AtomicLong errors =
      new java.util.concurrent.atomic.AtomicLong();

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
            envelope ->
                guarded(
                    "a message from host " + envelope.sender(),
                    () -> {
                      final java.util.function.Predicate<score.protocol.Envelope> side = others;
                      if (side == null || !side.test(envelope)) {
                        holder[0].received(
                            envelope.sender(), envelope.message(), System.nanoTime());
                      }
                    }));
    this.node = new RingNode(settings, network::send, work, countingFaults(events), firstToken);
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
              if (!closed) {
                guarded("a task", task);
              }
            });
  }

  /**
   * Runs {@code task} on the ring's thread every {@code period}, from the ring's own timer, so no
   * other thread's blocked work can hold it back; exception-safe like every step of the loop.
   */
  public void scheduleOnRing(final Runnable task, final java.time.Duration period) {
    network
        .eventLoop()
        .scheduleWithFixedDelay(
            () -> {
              if (!closed) {
                guarded("a periodic task", task);
              }
            },
            period.toNanos(),
            period.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Whether the caller runs on the ring's thread (the only one that may touch its state). */
  public boolean onRingThread() {
    return network.eventLoop().inEventLoop();
  }

  /**
   * Runs one step of the loop on the ring's thread, then ticks the node and re-arms the timer, all
   * of it exception-safe (Aeron's duty-cycle rule): a fault is counted ({@link #errors}), logged at
   * ERROR, and the loop goes on with the timer armed.
   */
  private void guarded(final String what, final Runnable step) {
    assert onRingThread() : "ring state touched off the ring's thread";
    try {
      step.run();
    } catch (final RuntimeException | AssertionError e) {
      fault(what, e);
    }
    final long now = System.nanoTime();
    try {
      node.tick(now);
    } catch (final RuntimeException e) {
      fault("a tick", e);
    }
    rearm(now);
  }

  private void fault(final String what, final Throwable error) {
    errors.incrementAndGet();
    LOG.log(System.Logger.Level.ERROR, "the ring's loop caught a fault in " + what, error);
  }

  /** The node's events, with work faults counted and logged like the loop's own. */
  private RingEvents countingFaults(final RingEvents events) {
    return new RingEvents() {
      @Override
      public void accepted(final int host, final Token token, final long nowNanos) {
        events.accepted(host, token, nowNanos);
      }

      @Override
      public void passed(final int host, final Token token, final int to, final long nowNanos) {
        events.passed(host, token, to, nowNanos);
      }

      @Override
      public void dropped(
          final int host, final Token token, final String why, final long nowNanos) {
        events.dropped(host, token, why, nowNanos);
      }

      @Override
      public void created(final int host, final Token token, final long nowNanos) {
        events.created(host, token, nowNanos);
      }

      @Override
      public void claimStarted(final int host, final long epoch, final long nowNanos) {
        events.claimStarted(host, epoch, nowNanos);
      }

      @Override
      public void configMismatch(
          final int host, final int peer, final long theirs, final long ours, final long nowNanos) {
        events.configMismatch(host, peer, theirs, ours, nowNanos);
      }

      @Override
      public void workFailed(final int host, final RuntimeException error, final long nowNanos) {
        fault("the host's token work (the token went on to the next host)", error);
        events.workFailed(host, error, nowNanos);
      }
    };
  }

  /** Faults the ring's loop caught and went on from ({@code score_ring_errors_total}). */
  public long errors() {
    return errors.get();
  }

  /** Registers {@code score_ring_errors_total}. */
  public void bindMetrics(final io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "score_ring_errors", errors, java.util.concurrent.atomic.AtomicLong::get)
        .description(
            "Faults the ring's loop caught (logged at ERROR); the loop went on with its timer armed")
        .register(registry);
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
    ticker = null;
    guarded("a timer tick", () -> {});
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
