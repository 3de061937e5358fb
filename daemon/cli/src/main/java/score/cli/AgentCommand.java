package score.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import score.agent.Agent;
import score.agent.AgentStartException;
import score.agent.config.AgentConfig;
import score.agent.config.ConfigException;

/** {@code score agent}: the daemon systemd runs on every hypervisor host. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run this host's agent: join the token ring of the configuration's members.",
      "--config: agent.yaml (a .yaml or .yml file: every setting: docs/operators-guide.md) or a cluster"
          + " file of host lines (then --host is required)."
    })
public final class AgentCommand implements Runnable {
  @Option(
      names = "--config",
      defaultValue = "/etc/score/agent.yaml",
      description = "agent.yaml or a cluster file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--host",
      paramLabel = "NAME|ID",
      description = "This host among the members (default: agent.yaml's host:).")
  String host;

  @Option(
      names = "--control",
      description =
          "Control socket for score token/status (default: agent.yaml's control:, or "
              + ControlOption.DEFAULT_CONTROL
              + ").")
  Path control;

  @Option(
      names = "--metrics",
      description =
          "Where to serve Prometheus metrics, ADDRESS:PORT (default: agent.yaml's"
              + " metrics.address, or 0.0.0.0:9410).")
  String metrics;

  @Override
  public void run() {
    final int hostId;
    Path controlSocket = control == null ? Path.of(ControlOption.DEFAULT_CONTROL) : control;
    InetSocketAddress metricsAddress = metricsAddress(metrics == null ? "0.0.0.0:9410" : metrics);
    if (AgentConfig.isAgentYaml(config)) {
      final AgentConfig settings;
      try {
        settings = AgentConfig.load(config, java.util.Optional.ofNullable(host));
      } catch (final ConfigException e) {
        throw CommandFailure.badInput(e.getMessage());
      }
      hostId = settings.self();
      if (control == null) {
        controlSocket = settings.controlSocket();
      }
      if (metrics == null) {
        metricsAddress =
            new InetSocketAddress(
                settings.metricsAddress().getHostString(), settings.metricsAddress().getPort());
      }
    } else {
      if (host == null) {
        throw CommandFailure.badInput("--host is required with a cluster file (" + config + ")");
      }
      try {
        hostId = Integer.parseInt(host);
      } catch (final NumberFormatException e) {
        throw CommandFailure.badInput("--host must be a host id with a cluster file: " + host);
      }
    }
    final Agent agent;
    try {
      agent = Agent.start(new Agent.Options(config, hostId, controlSocket, metricsAddress));
    } catch (final AgentStartException e) {
      throw e.badInput()
          ? CommandFailure.badInput(e.getMessage())
          : CommandFailure.failure(e.getMessage(), e);
    }
    final CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "score-agent-stop"));
    try {
      stopped.await();
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      agent.close();
    }
  }

  private static InetSocketAddress metricsAddress(final String metrics) {
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
}
