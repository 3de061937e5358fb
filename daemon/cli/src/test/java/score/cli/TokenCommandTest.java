package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.protocol.ClusterKey;

/** score agent, score token and score status as a user runs them. */
class TokenCommandTest {
  @Test
  void commandsWithoutAnAgentShouldSaySo(@TempDir final Path dir) {
    final String socket = dir.resolve("none.sock").toString();
    final CliRun inspect = CliRun.of("token", "inspect", "--control", socket);
    assertEquals(ExitCode.FAILURE, inspect.exitCode());
    assertTrue(inspect.err().contains("no agent answers on " + socket), inspect.err());
    final CliRun badPolicy =
        CliRun.of("token", "inject", "--policy", "fastest", "--control", socket);
    assertEquals(ExitCode.BAD_INPUT, badPolicy.exitCode());
    assertTrue(badPolicy.err().contains("unknown policy 'fastest'"), badPolicy.err());
  }

  @Test
  void badClusterFilesShouldNameFileLineAndReason(@TempDir final Path dir) throws IOException {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final String[][] cases = {
      {
        "key-file " + key + "\nhost 1 127.0.0.1:7000\nhost 1 127.0.0.1:7001\n",
        ":3: host 1 is listed twice"
      },
      {"key-file " + key + "\nhost 1 nowhere\n", ":2: 'nowhere' is not ADDRESS:PORT"},
      {"key-file " + key + "\nlease soon\nhost 1 127.0.0.1:7000\n", ":2: 'soon' is not a duration"},
      {"host 1 127.0.0.1:7000\n", "no key-file line"},
      {"key-file " + key + "\nspeed 10\n", ":2: unknown setting 'speed'"},
      {
        "key-file " + key + "\nheartbeat 2s\nlease 1s\nhost 1 127.0.0.1:7000\n",
        "lease PT1S must be at least two heartbeats"
      },
    };
    for (final String[] each : cases) {
      final Path config = Files.writeString(dir.resolve("cluster.conf"), each[0]);
      final CliRun run =
          CliRun.of(
              "agent",
              "--config",
              config.toString(),
              "--host",
              "1",
              "--control",
              dir.resolve("a.sock").toString());
      assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
      assertTrue(run.err().contains(each[1]), run.err());
    }
    final Path config =
        Files.writeString(
            dir.resolve("cluster.conf"), "key-file " + key + "\nhost 1 127.0.0.1:7000\n");
    final CliRun unknownHost = CliRun.of("agent", "--config", config.toString(), "--host", "9");
    assertEquals(ExitCode.BAD_INPUT, unknownHost.exitCode());
    assertTrue(unknownHost.err().contains("host 9 is not in"), unknownHost.err());
  }

  @Test
  void inspectInjectAndStatusShouldTalkToARunningAgent(@TempDir final Path dir) throws Exception {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final int port;
    final int metricsPort;
    try (ServerSocket one = new ServerSocket(0);
        ServerSocket two = new ServerSocket(0)) {
      port = one.getLocalPort();
      metricsPort = two.getLocalPort();
    }
    final Path config =
        Files.writeString(
            dir.resolve("cluster.conf"),
            "key-file "
                + key
                + "\nheartbeat 100ms\nlease 300ms\nrotation-base 1s\n"
                + "host 1 127.0.0.1:"
                + port
                + "\n");
    final String socket = dir.resolve("agent.sock").toString();
    final Process agent =
        ScoreProcess.here(
            dir.resolve("agent.log"),
            "agent",
            "--config",
            config.toString(),
            "--host",
            "1",
            "--control",
            socket,
            "--metrics",
            "127.0.0.1:" + metricsPort);
    try {
      CliRun inspect = null;
      for (int attempt = 0; attempt < 100; attempt++) {
        inspect = CliRun.of("token", "inspect", "--control", socket, "--json");
        if (inspect.exitCode() == 0 && inspect.out().contains("\"seen\":true")) {
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(inspect.out().contains("\"seen\":true"), inspect.out() + inspect.err());
      assertTrue(inspect.out().contains("\"policy\":\"load-aware\""), inspect.out());

      final CliRun refused =
          CliRun.of("token", "inject", "--policy", "round-robin", "--control", socket);
      assertEquals(ExitCode.FAILURE, refused.exitCode());
      assertTrue(refused.err().contains("a token is alive"), refused.err());

      final CliRun forced =
          CliRun.of("token", "inject", "--policy", "round-robin", "--force", "--control", socket);
      assertEquals(ExitCode.OK, forced.exitCode(), forced.err());
      boolean replaced = false;
      for (int attempt = 0; attempt < 100 && !replaced; attempt++) {
        replaced =
            CliRun.of("token", "inspect", "--control", socket, "--json")
                .out()
                .contains("\"policy\":\"round-robin\"");
        Thread.sleep(100);
      }
      assertTrue(replaced, "the forced token replaced the old one");

      final CliRun status = CliRun.of("status", "--control", socket);
      assertEquals(ExitCode.OK, status.exitCode());
      assertTrue(status.out().contains("host 1: in the majority"), status.out());
    } finally {
      agent.destroy();
    }
  }
}
