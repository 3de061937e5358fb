package score.agent.ring;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import score.agent.net.PeerNetwork;
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
 * network's single event-loop thread, ticked every {@link #TICK_MILLIS} and after every message.
 */
public final class RingAgent implements AutoCloseable {
  /** Interval of the timer that drives heartbeats, timeouts and claims. */
  public static final long TICK_MILLIS = 5;

  private final PeerNetwork network;
  private final RingNode node;
  private ScheduledFuture<?> ticker;

  public RingAgent(
      final RingSettings settings,
      final InetSocketAddress listen,
      final Map<Integer, InetSocketAddress> peers,
      final ClusterKey key,
      final RejectionListener rejections,
      final TokenWork work,
      final RingEvents events,
      final Supplier<Token> firstToken) {
    final RingNode[] holder = new RingNode[1];
    final long[] epoch = new long[1];
    this.network =
        new PeerNetwork(
            settings.selfId(),
            listen,
            peers,
            key,
            rejections,
            () -> epoch[0],
            envelope -> {
              final long now = System.nanoTime();
              holder[0].received(envelope.sender(), envelope.message(), now);
              holder[0].tick(now);
              epoch[0] = holder[0].status(now).tokenEpoch();
            });
    this.node = new RingNode(settings, network::send, work, events, firstToken);
    holder[0] = node;
  }

  /** Binds, starts the node and its timer; returns the bound address. */
  public InetSocketAddress start() throws InterruptedException {
    final InetSocketAddress bound = network.start();
    try {
      network.eventLoop().submit(() -> node.start(System.nanoTime())).get();
    } catch (final ExecutionException e) {
      throw new IllegalStateException("ring node failed to start", e.getCause());
    }
    ticker =
        network
            .eventLoop()
            .scheduleAtFixedRate(
                () -> node.tick(System.nanoTime()),
                TICK_MILLIS,
                TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    return bound;
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
          .submit(() -> node.inject(policy, force, System.nanoTime()))
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
    if (ticker != null) {
      ticker.cancel(false);
    }
    network.close();
  }
}
