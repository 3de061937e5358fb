package score.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import score.agent.net.ConnectionCounters;
import score.agent.net.PeerNetwork;
import score.agent.net.TransportLimits;
import score.protocol.ClusterKey;
import score.protocol.Message;
import score.protocol.RejectionCounters;
import score.protocol.Token;

/**
 * Handover latency on loopback: host 1 sends the token to host 2 through the agent's {@link
 * PeerNetwork} (TCP, authenticated frames), host 2 acknowledges, and the time from send to
 * acknowledgement is one hop. Returns the percentiles in microseconds. The warm-up hops run on the
 * same connections first, so the figures are those of an agent that has run for a while (JIT
 * compiled, heap sized), not of its first seconds.
 */
final class TokenHop {
  private TokenHop() {}

  record Result(int hops, double p50Micros, double p99Micros, double maxMicros) {}

  static Result measure(final Token token, final int warmupHops, final int hops) throws Exception {
    final ClusterKey key = ClusterKey.generate();
    final AtomicReference<CompletableFuture<Long>> pending = new AtomicReference<>();
    final PeerNetwork[] holder = new PeerNetwork[2];
    final int[] ports = {freePort(), freePort()};
    final InetSocketAddress real1 = new InetSocketAddress("127.0.0.1", ports[0]);
    final InetSocketAddress real2 = new InetSocketAddress("127.0.0.1", ports[1]);
    holder[0] =
        new PeerNetwork(
            1,
            real1,
            Map.of(2, real2),
            key,
            new RejectionCounters(),
            TransportLimits.defaults(Duration.ofSeconds(1)),
            new ConnectionCounters(),
            token::epoch,
            envelope -> {
              if (envelope.message() instanceof Message.TokenAck) {
                pending.get().complete(System.nanoTime());
              }
            });
    holder[1] =
        new PeerNetwork(
            2,
            real2,
            Map.of(1, real1),
            key,
            new RejectionCounters(),
            TransportLimits.defaults(Duration.ofSeconds(1)),
            new ConnectionCounters(),
            token::epoch,
            envelope -> {
              if (envelope.message() instanceof Message.TokenMessage received) {
                final Token got = received.token();
                holder[1].send(1, new Message.TokenAck(got.epoch(), got.sequence(), true));
              }
            });
    try {
      holder[0].start();
      holder[1].start();
      final long[] nanos = new long[hops];
      for (int hop = -warmupHops; hop < hops; hop++) {
        final CompletableFuture<Long> acked = new CompletableFuture<>();
        pending.set(acked);
        final long sent = System.nanoTime();
        holder[0].send(2, new Message.TokenMessage(token));
        final long received = acked.get(10, TimeUnit.SECONDS);
        if (hop >= 0) {
          nanos[hop] = received - sent;
        }
      }
      Arrays.sort(nanos);
      return new Result(
          hops,
          nanos[hops / 2] / 1e3,
          nanos[(int) Math.ceil(hops * 0.99) - 1] / 1e3,
          nanos[hops - 1] / 1e3);
    } finally {
      holder[0].close();
      holder[1].close();
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
