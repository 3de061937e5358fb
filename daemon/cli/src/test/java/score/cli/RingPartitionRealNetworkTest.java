package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.control.ControlServer;
import score.protocol.ClusterKey;
import score.testbed.TestBed;

/**
 * Three agents as separate processes, each in its own network namespace on a real OVS bridge:
 * cutting one host off leaves it without quorum while the other two keep the token moving; after
 * healing it rejoins by itself.
 */
@Tag("ovs")
class RingPartitionRealNetworkTest {
  private static final int HOSTS = 3;
  private final List<Process> agents = new ArrayList<>();
  private TestBed bed;

  @AfterEach
  void stop() {
    for (final Process agent : agents) {
      agent.destroy();
    }
    if (bed != null) {
      bed.close();
    }
  }

  private static JsonNode status(final Path control) {
    try {
      return ControlServer.request(control, Map.of("command", "status"));
    } catch (final java.io.IOException e) {
      return null;
    }
  }

  private static boolean await(final Duration timeout, final BooleanSupplier condition)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** The agent's Prometheus page, fetched inside its namespace (bash's /dev/tcp, no curl). */
  private String scrape(final int host) {
    return TestBed.run(
        List.of(
            "ip",
            "netns",
            "exec",
            bed.namespace(host),
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/9410; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3;"
                + " cat <&3"),
        10);
  }

  private static long sequence(final Path control) {
    final JsonNode status = status(control);
    return status == null ? -1 : status.path("tokenSequence").asLong();
  }

  @Test
  void aCutOffHostShouldHoldWhileTheMajorityGoesOnAndRejoinAfterHealing(@TempDir final Path dir)
      throws Exception {
    bed = TestBed.up("scring", HOSTS, "10.203.0");
    final Path key = dir.resolve("cluster.key");
    Files.writeString(key, ClusterKey.generate().toHex());
    final StringBuilder config =
        new StringBuilder("key-file " + key + "\n")
            .append("heartbeat 200ms\nlease 1s\nack-timeout 300ms\n")
            .append("rotation-base 2s\nrotation-per-host 100ms\n")
            // A fast token: this test is about partitions, not about the idle pace.
            .append("idle-rotation 0s\n");
    for (int host = 1; host <= HOSTS; host++) {
      config.append("host ").append(host).append(' ').append(bed.address(host)).append(":7400\n");
    }
    final Path clusterFile = Files.writeString(dir.resolve("cluster.conf"), config);
    final Path[] controls = new Path[HOSTS + 1];
    for (int host = 1; host <= HOSTS; host++) {
      controls[host] = dir.resolve("agent" + host + ".sock");
      agents.add(
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  bed.namespace(host),
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "score.cli.ScoreCommand",
                  "agent",
                  "--config",
                  clusterFile.toString(),
                  "--host",
                  "" + host,
                  "--control",
                  controls[host].toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("agent" + host + ".log").toFile())
              .start());
    }
    assertTrue(
        await(Duration.ofSeconds(30), () -> sequence(controls[1]) > 20),
        "the ring runs: " + status(controls[1]));

    // Cut host 3 off.
    TestBed.run(List.of("ip", "-n", bed.namespace(3), "link", "set", "eth0", "down"), 10);
    assertTrue(
        await(Duration.ofSeconds(10), () -> !status(controls[3]).path("quorum").asBoolean()),
        "host 3 knows it has no quorum");
    final long majorityBefore = sequence(controls[1]);
    final long minorityBefore = sequence(controls[3]);
    Thread.sleep(3_000);
    assertTrue(sequence(controls[1]) > majorityBefore + 5, "the majority keeps the token moving");
    assertTrue(status(controls[1]).path("quorum").asBoolean());
    assertTrue(scrape(3).contains("score_ring_quorum 0.0"), "the metrics say so too");
    assertTrue(scrape(1).contains("score_ring_quorum 1.0"));
    final JsonNode minority = status(controls[3]);
    assertFalse(minority.path("leaseValid").asBoolean(), "the minority never acts");
    assertTrue(sequence(controls[3]) - minorityBefore <= 2, "the minority stands still");

    // Heal: host 3 rejoins by itself and holds the token again.
    TestBed.run(List.of("ip", "-n", bed.namespace(3), "link", "set", "eth0", "up"), 10);
    TestBed.run(
        List.of("ip", "netns", "exec", bed.namespace(3), "ethtool", "-K", "eth0", "tx", "off"), 10);
    assertTrue(
        await(
            Duration.ofSeconds(20),
            () -> {
              final JsonNode status = status(controls[3]);
              return status != null
                  && status.path("quorum").asBoolean()
                  && status.path("tokenSequence").asLong() > sequence(controls[1]) - 50;
            }),
        "host 3 rejoined: " + status(controls[3]));
    for (final Process agent : agents) {
      assertTrue(agent.isAlive(), "no agent crashed");
    }
    assertEquals(
        status(controls[1]).path("tokenEpoch").asLong(),
        status(controls[3]).path("tokenEpoch").asLong(),
        "one token, one epoch");
  }
}
