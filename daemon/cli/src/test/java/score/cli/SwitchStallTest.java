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
  private static final String MANAGEMENT = "sc-stall-mgmt";
  private static DataCentreBed bed;
  private final List<Process> agents = new ArrayList<>();

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(3, 1);
    final StringBuilder script =
        new StringBuilder(
                "set -e; ip netns add " + MANAGEMENT + "; m=\"ip -n " + MANAGEMENT + "\"; ")
            .append("$m link add name mbr type bridge; $m link set mbr up; ");
    for (int host = 1; host <= 3; host++) {
      final String ns = "sc-h" + host;
      script
          .append("ip link add scm")
          .append(host)
          .append(" type veth peer name scmp")
          .append(host)
          .append("; ip link set scm")
          .append(host)
          .append(" netns ")
          .append(ns)
          .append("; ip link set scmp")
          .append(host)
          .append(" netns ")
          .append(MANAGEMENT)
          .append("; $m link set scmp")
          .append(host)
          .append(" master mbr up; ip -n ")
          .append(ns)
          .append(" addr add 10.211.0.")
          .append(host)
          .append("/24 dev scm")
          .append(host)
          .append("; ip -n ")
          .append(ns)
          .append(" link set scm")
          .append(host)
          .append(" up; ");
    }
    final TestBed.Result made = TestBed.exec(List.of("bash", "-c", script.toString()), 30);
    assertEquals(0, made.exit(), "the management network: " + made.output());
  }

  @AfterAll
  static void down() {
    // Deleting the namespace takes its bridge and, with each veth's end, the pair.
    TestBed.exec(List.of("ip", "netns", "del", MANAGEMENT), 30);
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
            Files.readString(bed.clusterFile())
                    .replace("address: \"10.210.0.", "address: \"10.211.0.")
                + "ring: {policy: round-robin, idle-rotation: 3s}\ndry-run: true\n");
    // A chatty guest on h1, so that h1's ring reads the flow table while its switch is stopped
    // (the cost metric, and the holder's visits).
    final Path peer = bed.startGuest(2, "peer", "10.210.1.2", "tb.port=9000");
    final Path guest =
        bed.startGuest(1, "g1", "10.210.1.1", "tb.peers=10.210.1.2:9000 tb.kbps=200");
    DataCentreBed.awaitHeartbeat(guest, 1);
    DataCentreBed.awaitHeartbeat(peer, 1);
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
        final long seen = status(sockets[1]).path("tokenEpoch").asLong();
        if (seen != 0
            && seen == status(sockets[2]).path("tokenEpoch").asLong()
            && seen == status(sockets[3]).path("tokenEpoch").asLong()) {
          epoch = seen; // the token has gone round once
        }
      } catch (final IOException notYet) {
        // the agents are still starting
      }
    }
    // h1 knows g1's address and has counted its traffic.
    final long knownDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ControlServer.request(sockets[1], Map.of("command", "plan", "vm", "g1", "to", "h2"))
            .has("error")
        || ControlServer.request(sockets[1], Map.of("command", "flows")).path("pairs").isEmpty()) {
      assertTrue(System.nanoTime() < knownDeadline, "h1 never counted g1: " + logs(dir));
      TestBed.sleepMillis(500);
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
