package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.Agent;
import score.protocol.ClusterKey;

/** score agent with agent.yaml: a good file runs a ring, a bad one is named with its position. */
class AgentYamlTest {
  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String yaml(final Path key, final int port1, final int port2) {
    return "key-file: "
        + key
        + "\nring-only: true"
        + "\nring:\n  heartbeat: 100ms\n  lease: 300ms\n  rotation-base: 1s\n"
        + "  policy: round-robin\n"
        + "members:\n"
        + "  - {id: 1, name: one, address: 127.0.0.1:"
        + port1
        + "}\n"
        + "  - {id: 2, name: two, address: 127.0.0.1:"
        + port2
        + "}\n";
  }

  @Test
  void twoAgentsFromAgentYamlShouldFormAMajority(@TempDir final Path dir) throws Exception {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final Path file =
        Files.writeString(dir.resolve("agent.yaml"), yaml(key, freePort(), freePort()));
    try (Agent one =
            Agent.start(
                new Agent.Options(
                    file, 1, dir.resolve("1.sock"), new InetSocketAddress("127.0.0.1", 0)));
        Agent two =
            Agent.start(
                new Agent.Options(
                    file, 2, dir.resolve("2.sock"), new InetSocketAddress("127.0.0.1", 0)))) {
      final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!(one.ring().status().quorum() && two.ring().status().quorum())
          && System.nanoTime() - deadline < 0) {
        Thread.sleep(20);
      }
      assertTrue(one.ring().status().quorum() && two.ring().status().quorum());
      // The token the ring made carries agent.yaml's policy.
      final long seen = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      CliRun inspect = CliRun.of("token", "inspect", "--control", dir.resolve("1.sock").toString());
      while (!inspect.out().contains("policy") && System.nanoTime() - seen < 0) {
        Thread.sleep(50);
        inspect = CliRun.of("token", "inspect", "--control", dir.resolve("1.sock").toString());
      }
      assertTrue(
          inspect.out().toLowerCase(java.util.Locale.ROOT).contains("policy round"),
          inspect.out() + inspect.err());
    }
  }

  @Test
  void badAgentYamlShouldEndWithItsPositionAndExitTwo(@TempDir final Path dir) throws Exception {
    final Path key = Files.writeString(dir.resolve("key"), ClusterKey.generate().toHex());
    final Path file =
        Files.writeString(
            dir.resolve("agent.yaml"), yaml(key, 7000, 7001) + "migration:\n  max-downtime: x\n");
    final CliRun run =
        CliRun.of(
            "agent",
            "--config",
            file.toString(),
            "--host",
            "one",
            "--control",
            dir.resolve("a.sock").toString());
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.err().contains(file + ":12:17: migration.max-downtime: 'x'"), run.err());
    final CliRun notAMember = CliRun.of("agent", "--config", file.toString(), "--host", "three");
    assertEquals(ExitCode.BAD_INPUT, notAMember.exitCode());
    assertTrue(notAMember.err().contains("host: 'three' is not a member"), notAMember.err());
    final CliRun legacy = CliRun.of("agent", "--config", dir.resolve("cluster.conf").toString());
    assertEquals(ExitCode.BAD_INPUT, legacy.exitCode());
    assertTrue(legacy.err().contains("--host is required"), legacy.err());
  }
}
