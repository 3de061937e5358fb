package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.agent.control.ControlServer;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/**
 * An Open vSwitch that stops answering (its {@code ovs-vswitchd} stopped with SIGSTOP for twice the
 * lease) must not stop the agent's ring: the poller waits for the switch on its own thread, never
 * holding what the ring's thread reads. Three agents on the test bed; h1's switch stops.
 */
@Tag("libvirt")
class SwitchStallTest {
  private static final Duration LEASE = Duration.ofSeconds(3); // agent.yaml's default
  private static DataCentreBed bed;
  private final List<Process> agents = new ArrayList<>();

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(3, 1);
  }

  @AfterAll
  static void down() {
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopAgents() throws Exception {
    signalSwitch(1, "CONT");
    for (final Process agent : agents) {
      ScoreProcess.stop(agent);
    }
  }

  /** Sends {@code signal} to host {@code host}'s own ovs-vswitchd. */
  private static void signalSwitch(final int host, final String signal) {
    bed.exec(
        host,
        List.of("bash", "-c", "kill -" + signal + " $(cat /run/openvswitch/ovs-vswitchd.pid)"),
        10);
  }

  private static JsonNode status(final Path socket) throws IOException {
    return ControlServer.request(socket, Map.of("command", "status"));
  }

  @Test
  void aSwitchThatStopsAnsweringShouldNotStopTheRing(@TempDir final Path dir) throws Exception {
    final Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            Files.readString(bed.clusterFile()) + "ring: {policy: round-robin}\n");
    final Path[] sockets = new Path[4];
    for (int host = 1; host <= 3; host++) {
      sockets[host] = dir.resolve("h" + host + ".sock");
      agents.add(
          ScoreProcess.onHost(
              host,
              dir.resolve("agent-h" + host + ".log"),
              Map.of(),
              "agent",
              "--config",
              config.toString(),
              "--host",
              "h" + host,
              "--control",
              sockets[host].toString()));
    }
    final long startDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    long epoch = 0;
    while (epoch == 0) {
      assertTrue(System.nanoTime() < startDeadline, "no token: " + logs(dir));
      TestBed.sleepMillis(300);
      try {
        ControlServer.request(
            sockets[1], Map.of("command", "inject", "policy", "round-robin", "force", false));
        final JsonNode one = status(sockets[1]);
        if (one.path("quorum").asBoolean() && status(sockets[2]).path("livePeers").asInt() == 2) {
          epoch = one.path("tokenEpoch").asLong();
        }
      } catch (final IOException notYet) {
        // the agents are still starting
      }
    }
    final long sequenceBefore = status(sockets[2]).path("tokenSequence").asLong();
    signalSwitch(1, "STOP");
    final long stallEnd = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
    int readings = 0;
    long slowestMillis = 0;
    while (System.nanoTime() - stallEnd < 0) {
      final long asked = System.nanoTime();
      final JsonNode one = status(sockets[1]);
      slowestMillis = Math.max(slowestMillis, (System.nanoTime() - asked) / 1_000_000);
      assertTrue(one.path("quorum").asBoolean(), "h1 keeps its quorum: " + one);
      for (int other = 2; other <= 3; other++) {
        final JsonNode seen = status(sockets[other]);
        assertEquals(2, seen.path("livePeers").asInt(), "h" + other + " hears h1 on time: " + seen);
        assertEquals(epoch, seen.path("tokenEpoch").asLong(), "no new token: " + seen);
      }
      readings++;
      TestBed.sleepMillis(100);
    }
    signalSwitch(1, "CONT");
    assertTrue(readings >= 20, "read throughout the stall: " + readings);
    assertTrue(slowestMillis < 1_000, "h1's ring answered within a second: " + slowestMillis);
    final long resumeDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (status(sockets[2]).path("tokenSequence").asLong() <= sequenceBefore) {
      assertTrue(System.nanoTime() < resumeDeadline, "the token goes on: " + logs(dir));
      TestBed.sleepMillis(200);
    }
    for (int host = 1; host <= 3; host++) {
      assertEquals(epoch, status(sockets[host]).path("tokenEpoch").asLong(), "the same token");
    }
    assertTrue(agents.stream().allMatch(Process::isAlive), logs(dir));
  }

  private static String logs(final Path dir) throws IOException {
    final StringBuilder all = new StringBuilder();
    for (int host = 1; host <= 3; host++) {
      final Path log = dir.resolve("agent-h" + host + ".log");
      if (Files.exists(log)) {
        all.append("--- h").append(host).append('\n').append(Files.readString(log));
      }
    }
    return all.toString();
  }
}
