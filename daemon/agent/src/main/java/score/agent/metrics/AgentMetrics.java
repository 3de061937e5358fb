package score.agent.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import score.agent.net.ConnectionCounters;
import score.agent.net.ConnectionRefusal;
import score.core.ring.RingStatus;
import score.protocol.Rejection;
import score.protocol.RejectionCounters;

/**
 * The agent's Prometheus endpoint ({@code GET /metrics}): ring state (quorum, holding, lease,
 * epoch, sequence, live peers, peers with another cluster configuration), refused frames and
 * refused or closed connections by reason. Ring state is read at most once per scrape, from the
 * ring's own thread through {@code status}.
 */
public final class AgentMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final AtomicReference<RingStatus> last = new AtomicReference<>();
  private final Supplier<RingStatus> status;
  private final HttpServer server;

  public AgentMetrics(
      final InetSocketAddress listen,
      final Supplier<RingStatus> status,
      final RejectionCounters rejections,
      final ConnectionCounters refusals)
      throws IOException {
    this(
        listen,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        status,
        rejections,
        refusals);
  }

  /** Serves {@code registry}, where other parts of the agent registered their meters too. */
  public AgentMetrics(
      final InetSocketAddress listen,
      final PrometheusMeterRegistry registry,
      final Supplier<RingStatus> status,
      final RejectionCounters rejections,
      final ConnectionCounters refusals)
      throws IOException {
    this.registry = registry;
    this.status = status;
    gauge(
        "score_ring_quorum",
        "1 when this host hears a majority of the hosts",
        s -> s.quorum() ? 1 : 0);
    gauge("score_ring_holding", "1 while this host holds the token", s -> s.holding() ? 1 : 0);
    gauge(
        "score_ring_lease_valid",
        "1 while this host may start a migration (token held under a majority's lease)",
        s -> s.leaseValid() ? 1 : 0);
    gauge("score_ring_token_epoch", "Newest token epoch seen", RingStatus::tokenEpoch);
    gauge("score_ring_token_sequence", "Newest token sequence seen", RingStatus::tokenSequence);
    gauge("score_ring_live_peers", "Peers heard from recently", RingStatus::livePeers);
    gauge(
        "score_ring_config_mismatched_peers",
        "Peers whose cluster configuration differs from this host's (not counted toward a majority)",
        s -> s.mismatchedPeers().size());
    for (final ConnectionRefusal reason : ConnectionRefusal.values()) {
      FunctionCounter.builder("score_connections_refused", refusals, r -> r.count(reason))
          .description("Peer connections refused or closed, by reason")
          .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    for (final Rejection reason : Rejection.values()) {
      FunctionCounter.builder("score_frames_rejected", rejections, r -> r.count(reason))
          .description("Frames refused, by reason")
          .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    server = HttpServer.create(listen, 0);
    server.createContext(
        "/metrics",
        exchange -> {
          last.set(null);
          final byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  private void gauge(
      final String name,
      final String description,
      final java.util.function.ToDoubleFunction<RingStatus> value) {
    Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.current()))
        .description(description)
        .register(registry);
  }

  /** One status per scrape, shared by every gauge of that scrape. */
  private RingStatus current() {
    RingStatus snapshot = last.get();
    if (snapshot == null) {
      snapshot = status.get();
      last.set(snapshot);
    }
    return snapshot;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
