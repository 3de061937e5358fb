package score.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import score.agent.Agent;
import score.agent.AgentStartException;

/** {@code score agent}: the daemon systemd runs on every hypervisor host. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Run this host's agent: join the token ring of the cluster file.")
public final class AgentCommand implements Runnable {
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
    final InetSocketAddress metricsAddress = metricsAddress();
    final Agent agent;
    try {
      agent = Agent.start(new Agent.Options(config, host, control, metricsAddress));
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
}
