package score.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import score.agent.config.ClusterConfig;
import score.agent.config.ConfigException;
import score.agent.control.ControlServer;
import score.agent.metrics.AgentMetrics;
import score.agent.ring.RingAgent;
import score.core.ring.PassOnWork;
import score.core.ring.RingEvents;
import score.core.ring.RingNode;
import score.protocol.ClusterKey;
import score.protocol.RejectionCounters;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/** {@code score agent}: the daemon systemd runs on every hypervisor host. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Run this host's agent: join the token ring of the cluster file.")
public final class AgentCommand implements Runnable {
  private static final System.Logger LOG = System.getLogger(AgentCommand.class.getName());

  @Option(names = "--config", required = true, description = "The cluster file.")
  Path config;

  @Option(names = "--host", required = true, description = "This host's id in the cluster file.")
  int host;

  @Option(
      names = "--control",
      defaultValue = ControlOption.DEFAULT_CONTROL,
      description = "Control socket for score token/status (default: ${DEFAULT-VALUE}).")
  Path control;

  @Option(
      names = "--metrics",
      defaultValue = "0.0.0.0:9410",
      description = "Where to serve Prometheus metrics, ADDRESS:PORT (default: ${DEFAULT-VALUE}).")
  String metrics;

  @Override
  public void run() {
    final ClusterConfig cluster;
    try {
      cluster = ClusterConfig.load(config);
    } catch (final ConfigException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    if (!cluster.hosts().containsKey(host)) {
      throw CommandFailure.badInput(
          "host " + host + " is not in " + config + " (hosts: " + cluster.hosts().keySet() + ")");
    }
    final ClusterKey key;
    try {
      key = ClusterKey.load(cluster.keyFile());
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final Map<Integer, InetSocketAddress> peers = new HashMap<>();
    cluster
        .hosts()
        .forEach(
            (id, address) ->
                peers.put(id, new InetSocketAddress(address.getHostString(), address.getPort())));
    final InetSocketAddress listen = peers.remove(host);
    final RejectionCounters rejections = new RejectionCounters();
    final RingEvents events =
        new RingEvents() {
          @Override
          public void created(final int at, final Token token, final long nowNanos) {
            LOG.log(System.Logger.Level.INFO, "created a new token: " + token);
          }

          @Override
          public void dropped(
              final int at, final Token token, final String why, final long nowNanos) {
            LOG.log(System.Logger.Level.INFO, "dropped " + token + ": " + why);
          }
        };
    final RingAgent agent =
        new RingAgent(
            cluster.ringSettings(host),
            new InetSocketAddress("0.0.0.0", listen.getPort()),
            peers,
            key,
            rejections,
            new PassOnWork(cluster.lease().multipliedBy(2).toNanos()),
            events,
            () -> new Token(TokenPolicy.LOAD_AWARE, 0, 0, 0, host, new int[0], new byte[0]));
    final CountDownLatch stopped = new CountDownLatch(1);
    final InetSocketAddress metricsAddress = metricsAddress();
    try (ControlServer server = new ControlServer(control, request -> answer(agent, request));
        AgentMetrics exporter = new AgentMetrics(metricsAddress, agent::status, rejections)) {
      agent.start();
      LOG.log(System.Logger.Level.INFO, "metrics on http://" + exporter.address() + "/metrics");
      LOG.log(
          System.Logger.Level.INFO,
          "agent " + host + " listening on " + listen.getPort() + ", control " + server);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    agent.close();
                    stopped.countDown();
                  },
                  "score-agent-stop"));
      stopped.await();
    } catch (final java.io.IOException e) {
      throw CommandFailure.failure("cannot open control socket " + control + ": " + e, e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      agent.close();
    }
  }

  private InetSocketAddress metricsAddress() {
    final int colon = metrics.lastIndexOf(':');
    try {
      final int port = Integer.parseInt(metrics.substring(colon + 1));
      if (colon < 1 || port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(metrics.substring(0, colon), port);
    } catch (final NumberFormatException | StringIndexOutOfBoundsException e) {
      throw CommandFailure.badInput("--metrics must be ADDRESS:PORT, got '" + metrics + "'");
    }
  }

  private static Object answer(
      final RingAgent agent, final com.fasterxml.jackson.databind.JsonNode request) {
    final String command = request.path("command").asText("");
    switch (command) {
      case "status":
        return agent.status();
      case "inject":
        final TokenPolicy policy =
            TokenPolicy.valueOf(
                request.path("policy").asText("").toUpperCase(Locale.ROOT).replace('-', '_'));
        final RingNode.InjectResult result =
            agent.inject(policy, request.path("force").asBoolean(false));
        return result;
      default:
        return Map.of("error", "unknown command '" + command + "'");
    }
  }
}
