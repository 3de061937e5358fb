package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/**
 * {@code score drain} on the real test bed: h1 runs a guest that mostly sends (to its peer in rack
 * 2 on h3) and one that mostly receives (from its peer on h4). The drain empties h1 within its
 * deadline, each guest goes next to its peer, the sender is post-copied (its sending and a pre-copy
 * would share h1's uplink) and the receiver pre-copied; every guest survives.
 */
@Tag("libvirt")
class DrainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DataCentreBed bed;
  private static final List<Process> AGENTS = new ArrayList<>();

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(4, 2);
  }

  @AfterAll
  static void down() throws Exception {
    for (final Process agent : AGENTS) {
      ScoreProcess.stop(agent);
    }
    if (bed != null) {
      bed.close();
    }
  }

  private static List<String> onHost(final int host) {
    final String list =
        TestBed.exec(List.of("virsh", "-c", bed.uri(host), "list", "--name"), 20).output();
    return list.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void drainShouldEmptyTheHostInTimeWithPostCopyForTheSender(@TempDir final Path dir)
      throws Exception {
    final Path g1 = bed.startGuest(1, "g1", "10.210.1.1", "tb.peers=10.210.1.2:9000 tb.kbps=2000");
    final Path g2 = bed.startGuest(3, "g2", "10.210.1.2", "tb.peers=10.210.1.1:9000 tb.kbps=50");
    final Path g3 = bed.startGuest(1, "g3", "10.210.1.3", "tb.peers=10.210.1.4:9000 tb.kbps=50");
    final Path g4 = bed.startGuest(4, "g4", "10.210.1.4", "tb.peers=10.210.1.3:9000 tb.kbps=2000");
    final List<DataCentreBed.Heartbeat> before = new ArrayList<>();
    for (final Path log : List.of(g1, g2, g3, g4)) {
      before.add(DataCentreBed.awaitHeartbeat(log, 1));
    }
    final Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            Files.readString(bed.clusterFile()) + "libvirt: {vm-slots: 4}\n");
    for (int host = 1; host <= 4; host++) {
      AGENTS.add(
          ScoreProcess.onHost(
              host,
              dir.resolve("agent" + host + ".log"),
              java.util.Map.of(),
              "agent",
              "--config",
              config.toString(),
              "--host",
              "h" + host,
              "--control",
              dir.resolve("h" + host + ".sock").toString()));
    }
    // Paused, so that only the drain moves VMs; then wait until h1 knows where the peers run
    // (its cost metric has located every neighbour) and sees the guests' traffic.
    for (int host = 1; host <= 4; host++) {
      final Path socket = dir.resolve("h" + host + ".sock");
      await(
          () -> CliRun.of("pause", "--control", socket.toString()).exitCode() == 0,
          "agent h" + host + " answers");
    }
    await(
        () -> {
          final CliRun flows = CliRun.of("status", "--control", dir.resolve("h1.sock").toString());
          return flows.exitCode() == 0
              && metric("score_communication_cost_unlocated_neighbours") == 0
              && metric("score_communication_cost") > 0;
        },
        "h1 located its guests' peers");
    // What the operator sees first: the agent's flow table, and what it would do with g1.
    final CliRun flows =
        CliRun.of("flows", "--json", "--control", dir.resolve("h1.sock").toString());
    assertEquals(0, flows.exitCode(), flows.err());
    final JsonNode table = JSON.readTree(flows.out());
    assertEquals("br0", table.path("bridge").asText());
    boolean pairSeen = false;
    for (final JsonNode pair : table.path("pairs")) {
      pairSeen |=
          pair.path("a").asText().equals("10.210.1.1")
              && pair.path("b").asText().equals("10.210.1.2")
              && pair.path("bytes").asLong() > 0;
    }
    assertTrue(pairSeen, "g1-g2 in the agent's table: " + table);
    final CliRun plan =
        CliRun.of(
            "plan",
            "--vm",
            "g1",
            "--to",
            "h3",
            "--json",
            "--control",
            dir.resolve("h1.sock").toString());
    assertEquals(0, plan.exitCode(), plan.err());
    final JsonNode terms = JSON.readTree(plan.out());
    assertTrue(terms.path("eq2Holds").asBoolean(), "moving g1 next to g2 pays: " + terms);
    assertEquals(0.0, terms.path("costThere").asDouble(), "g1 and g2 on one host: " + terms);
    assertTrue(terms.path("costHere").asDouble() > 0, terms.toString());
    assertEquals("h3", terms.path("neighbours").path(0).path("host").asText(), terms.toString());
    assertTrue(terms.path("migration").path("bandwidthMbps").asDouble() > 0, terms.toString());
    final CliRun elsewhere =
        CliRun.of(
            "plan", "--vm", "g2", "--to", "h1", "--control", dir.resolve("h1.sock").toString());
    assertEquals(1, elsewhere.exitCode());
    assertTrue(elsewhere.err().contains("does not run on h1"), elsewhere.err());
    final CliRun drain =
        CliRun.of(
            "drain",
            "h1",
            "--deadline",
            "90s",
            "--json",
            "--control",
            dir.resolve("h1.sock").toString());
    assertEquals(0, drain.exitCode(), drain.out() + drain.err());
    final JsonNode status = JSON.readTree(drain.out());
    System.out.println("drain of h1: " + status);
    assertTrue(status.path("deadlineMet").asBoolean(), status.toString());
    assertEquals(List.of(), onHost(1), "h1 is empty");
    for (final JsonNode move : status.path("moves")) {
      final String vm = move.path("vm").asText();
      assertEquals("moved", move.path("outcome").asText(), move.toString());
      if (vm.equals("g1")) {
        assertEquals("h3", move.path("to").asText(), "next to its peer: " + move);
        assertEquals("post-copy", move.path("technique").asText(), "it mostly sends: " + move);
      } else {
        assertEquals("h4", move.path("to").asText(), "next to its peer: " + move);
        assertEquals("pre-copy", move.path("technique").asText(), "it mostly receives: " + move);
      }
    }
    assertTrue(onHost(3).contains("g1") && onHost(4).contains("g3"), onHost(3) + " " + onHost(4));
    final List<Path> logs = List.of(g1, g2, g3, g4);
    for (int i = 0; i < logs.size(); i++) {
      final DataCentreBed.Heartbeat after =
          DataCentreBed.awaitHeartbeat(logs.get(i), before.get(i).sequence() + 3);
      assertEquals(before.get(i).boot(), after.boot(), "same boot: " + logs.get(i));
      assertEquals(0, after.badPages(), "no page lost: " + logs.get(i));
    }
  }

  /** A metric of h1's agent, read from its Prometheus endpoint inside h1's network. */
  private static double metric(final String name) {
    final String text =
        bed.exec(1, List.of("curl", "-sf", "http://10.210.0.1:9410/metrics"), 10).output();
    for (final String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  private static void await(final java.util.function.BooleanSupplier condition, final String what) {
    final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "never: " + what);
      TestBed.sleepMillis(500);
    }
  }
}
