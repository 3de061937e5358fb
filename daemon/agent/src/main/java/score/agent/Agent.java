package score.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import score.agent.config.ClusterConfig;
import score.agent.config.ConfigException;
import score.agent.control.ControlAnswer;
import score.agent.control.ControlDispatcher;
import score.agent.control.ControlRequest;
import score.agent.control.ControlServer;
import score.agent.metrics.AgentMetrics;
import score.agent.net.ConnectionCounters;
import score.agent.net.TransportLimits;
import score.agent.ring.RingAgent;
import score.core.ring.PassOnWork;
import score.core.ring.RingEvents;
import score.protocol.ClusterKey;
import score.protocol.RejectionCounters;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The composition root of {@code score agent}: reads the configuration, then starts the adapters in
 * order (control socket first, so that a second agent on the host is refused before it touches the
 * network; then the ring with its transport; then metrics) and stops them in the reverse order,
 * also when a later one fails to start.
 */
public final class Agent implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Agent.class.getName());

  /**
   * What the operator chose.
   *
   * @param metricsAddress where to serve Prometheus metrics (port 0: any free port)
   */
  public record Options(
      Path clusterFile, int hostId, Path controlSocket, InetSocketAddress metricsAddress) {}

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private volatile RingAgent ring;

  /** Set once every command is registered: before, requests are told the agent is starting. */
  private volatile boolean answering;

  private ControlServer control;
  private AgentMetrics metrics;
  private HostParts hostParts;
  private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
      new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);

  private Agent(final Options options) throws AgentStartException {
    final Loaded loaded = load(options.clusterFile(), options.hostId());
    final ClusterConfig cluster = loaded.cluster();
    final int host = options.hostId();
    if (!cluster.hosts().containsKey(host)) {
      throw new AgentStartException(
          "host "
              + host
              + " is not in "
              + options.clusterFile()
              + " (hosts: "
              + cluster.hosts().keySet()
              + ")",
          true,
          null);
    }
    final ClusterKey key;
    try {
      key = ClusterKey.load(cluster.keyFile());
    } catch (final IllegalArgumentException e) {
      throw new AgentStartException(e.getMessage(), true, e);
    }
    try {
      startParts(options, loaded, key);
    } catch (final ControlServer.AlreadyRunningException e) {
      close();
      throw new AgentStartException(e.getMessage(), false, e);
    } catch (final HostParts.StartException e) {
      close();
      throw new AgentStartException(e.getMessage(), false, e);
    } catch (final IOException | RuntimeException e) {
      close();
      throw new AgentStartException("cannot start the agent: " + e.getMessage(), false, e);
    } catch (final InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new AgentStartException("interrupted while starting", false, e);
    }
  }

  /**
   * Starts the parts in order: the control socket first (a second agent on the host is refused
   * before it touches the network), the host's parts, the ring with its transport, then metrics.
   */
  private void startParts(final Options options, final Loaded loaded, final ClusterKey key)
      throws IOException, HostParts.StartException, InterruptedException {
    final ClusterConfig cluster = loaded.cluster();
    final int host = options.hostId();
    final Map<Integer, InetSocketAddress> peers = addresses(cluster);
    final InetSocketAddress listen = peers.remove(host);
    final RejectionCounters rejections = new RejectionCounters();
    final ConnectionCounters refusals = new ConnectionCounters();
    final ControlDispatcher commands = new ControlDispatcher();
    control =
        register(
            new ControlServer(
                options.controlSocket(),
                request ->
                    answering
                        ? commands.apply(request)
                        : new ControlAnswer.Refused("the agent is still starting")));
    final score.core.ring.TokenWork work = hostWork(loaded, listen.getPort());
    ring =
        register(
            new RingAgent(
                cluster.ringSettings(host),
                new InetSocketAddress("0.0.0.0", listen.getPort()),
                peers,
                key,
                rejections,
                TransportLimits.defaults(cluster.heartbeat()),
                refusals,
                work,
                logEvents(),
                () -> emptyToken(loaded.policy(), host)));
    ring.bindMetrics(registry);
    registerRingCommands(commands, ring);
    if (hostParts != null) {
      hostParts.registerCommands(commands);
      ring.onOtherMessages(hostParts::handle);
    }
    answering = true;
    ring.start();
    if (hostParts != null) {
      hostParts.startOnRing(ring);
    }
    metrics =
        register(
            new AgentMetrics(
                options.metricsAddress(), registry, ring::status, rejections, refusals));
    LOG.log(
        System.Logger.Level.INFO,
        "agent "
            + host
            + " listening on "
            + listen.getPort()
            + ", control "
            + control
            + ", metrics on http://"
            + metrics.address()
            + "/metrics, cluster fingerprint "
            + Long.toHexString(cluster.fingerprint()));
  }

  /**
   * The ring's work here: with an agent.yaml the host's parts and their token loop; a cluster file
   * (or {@code ring-only}) passes the token on, paced.
   */
  private score.core.ring.TokenWork hostWork(final Loaded loaded, final int port)
      throws HostParts.StartException {
    if (loaded.agent().isEmpty()) {
      final ClusterConfig cluster = loaded.cluster();
      return new PassOnWork(
          cluster.idleHold().toNanos(), cluster.lease().multipliedBy(2).toNanos());
    }
    hostParts =
        register(
            HostParts.start(loaded.agent().get(), port, registry, task -> ring.runOnRing(task)));
    return hostParts.work();
  }

  /** Every member's address, resolved as the transport dials it. */
  private static Map<Integer, InetSocketAddress> addresses(final ClusterConfig cluster) {
    final Map<Integer, InetSocketAddress> peers = new HashMap<>();
    cluster
        .hosts()
        .forEach(
            (id, address) ->
                peers.put(id, new InetSocketAddress(address.getHostString(), address.getPort())));
    return peers;
  }

  private static Token emptyToken(final TokenPolicy policy, final int creator) {
    return new Token(
        policy, 0, 0, 0, creator, new int[0], policy.carriesLevels() ? new byte[0] : null);
  }

  /**
   * The configuration the agent runs with: the cluster, the token's policy, and with an agent.yaml
   * everything else (a cluster file runs the ring alone).
   */
  private record Loaded(
      ClusterConfig cluster,
      TokenPolicy policy,
      java.util.Optional<score.agent.config.AgentConfig> agent) {}

  /**
   * The configuration of {@code file}: agent.yaml (by its .yaml or .yml name, with its policy) or a
   * cluster file (load-aware).
   */
  private static Loaded load(final Path file, final int host) throws AgentStartException {
    try {
      if (score.agent.config.AgentConfig.isAgentYaml(file)) {
        final score.agent.config.AgentConfig config =
            score.agent.config.AgentConfig.load(
                file, java.util.Optional.of(Integer.toString(host)));
        return new Loaded(
            config.cluster(),
            config.policy(),
            config.ringOnly() ? java.util.Optional.empty() : java.util.Optional.of(config));
      }
      return new Loaded(
          ClusterConfig.load(file), TokenPolicy.LOAD_AWARE, java.util.Optional.empty());
    } catch (final ConfigException e) {
      throw new AgentStartException(e.getMessage(), true, e);
    }
  }

  /** Starts every part of the agent, or none. */
  public static Agent start(final Options options) throws AgentStartException {
    return new Agent(options);
  }

  private <T extends AutoCloseable> T register(final T part) {
    started.push(part);
    return part;
  }

  public RingAgent ring() {
    return ring;
  }

  public InetSocketAddress metricsAddress() {
    return metrics.address();
  }

  private static RingEvents logEvents() {
    return new RingEvents() {
      @Override
      public void created(final int at, final Token token, final long nowNanos) {
        LOG.log(System.Logger.Level.INFO, "created a new token: " + token);
      }

      @Override
      public void dropped(final int at, final Token token, final String why, final long nowNanos) {
        LOG.log(System.Logger.Level.INFO, "dropped " + token + ": " + why);
      }

      @Override
      public void configMismatch(
          final int at, final int peer, final long theirs, final long ours, final long nowNanos) {
        LOG.log(
            System.Logger.Level.WARNING,
            "host "
                + peer
                + " runs with another cluster configuration (fingerprint "
                + Long.toHexString(theirs)
                + ", ours "
                + Long.toHexString(ours)
                + "): its members, addresses or ring timing differ; it does not count toward a"
                + " majority here until the files agree");
      }
    };
  }

  /** {@code score status} and {@code score token inject}, answered by the ring. */
  private static void registerRingCommands(final ControlDispatcher commands, final RingAgent ring) {
    commands
        .on(ControlRequest.Status.class, request -> ring.status())
        .on(
            ControlRequest.Inject.class,
            request -> {
              final String name = String.valueOf(request.policy());
              final TokenPolicy policy;
              try {
                policy = TokenPolicy.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
              } catch (final IllegalArgumentException e) {
                return new ControlAnswer.Refused("unknown policy '" + name + "'");
              }
              return ring.inject(policy, request.force());
            });
  }

  /** Stops what was started, in the reverse order. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      final AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (final Exception e) {
        LOG.log(System.Logger.Level.WARNING, "stopping " + part + " failed: " + e.getMessage());
      }
    }
  }
}
