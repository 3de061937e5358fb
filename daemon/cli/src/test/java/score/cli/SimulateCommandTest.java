package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonShouldCarryEveryFigureTheIssueNames() throws Exception {
    final Path csv = dir.resolve("cost.csv");
    final Path plot = dir.resolve("cost.png");
    final CliRun run =
        CliRun.of(
            "simulate",
            "--fanout",
            "4,4,2",
            "--vms-per-host",
            "4",
            "--slots",
            "8",
            "--policy",
            "all",
            "--rounds",
            "3",
            "--seed",
            "5",
            "--json",
            "--csv",
            csv.toString(),
            "--plot",
            plot.toString());
    assertEquals(0, run.exitCode(), run.err());
    final JsonNode out = JSON.readTree(run.out());
    for (final String key :
        new String[] {
          "hosts",
          "vms",
          "policy",
          "initialCost",
          "finalCost",
          "reductionPct",
          "referenceCost",
          "referenceReductionPct",
          "ofReferencePct",
          "migrations",
          "rounds",
          "costPerRound",
          "wallSeconds",
          "lowerBoundCost",
          "polishedCost",
          "unmovedFinalCost",
          "scenario",
          "rule"
        }) {
      assertTrue(out.has(key), key);
    }
    assertEquals(32, out.get("hosts").asInt());
    assertEquals(128, out.get("vms").asInt());
    assertEquals("round-robin", out.get("policy").asText());
    assertEquals(4, out.get("costPerRound").size());
    assertEquals(4, out.get("runs").size());
    assertEquals("paper", out.get("scenario").asText());
    assertEquals("paper", out.get("rule").asText());
    final double bound = out.get("lowerBoundCost").asDouble();
    assertTrue(bound <= out.get("referenceCost").asDouble() * (1 + 1e-12));
    for (final JsonNode policyRun : out.get("runs")) {
      assertTrue(policyRun.get("finalCost").asDouble() < out.get("unmovedFinalCost").asDouble());
      assertTrue(bound <= policyRun.get("finalCost").asDouble() * (1 + 1e-12));
      assertEquals(3, policyRun.get("costAtRoundStart").size());
    }
    assertEquals(1 + 4 * 4, Files.readAllLines(csv).size());
    assertTrue(Files.size(plot) > 1_000);
  }

  @Test
  void figuresShouldBeWrittenAsPngAndCsv() throws Exception {
    final Path figures = dir.resolve("figures");
    final CliRun run =
        CliRun.of(
            "simulate",
            "--fanout",
            "4,4,2",
            "--policy",
            "all",
            "--rounds",
            "3",
            "--figures",
            figures.toString());
    assertEquals(0, run.exitCode(), run.err());
    for (final String name :
        new String[] {
          "fig2a-tor-traffic-before",
          "fig2b-cost-per-round",
          "fig2c-reduction-vs-cm",
          "fig2d-tor-traffic-after"
        }) {
      assertTrue(Files.size(figures.resolve(name + ".png")) > 1_000, name);
      assertTrue(Files.readAllLines(figures.resolve(name + ".csv")).size() > 2, name);
    }
    // Fig. 2c: no migration cost gives the largest reduction in both readings.
    final var cm = Files.readAllLines(figures.resolve("fig2c-reduction-vs-cm.csv"));
    final String[] free = cm.get(1).split(",");
    final String[] dearest = cm.get(cm.size() - 1).split(",");
    assertTrue(Double.parseDouble(free[1]) >= Double.parseDouble(dearest[1]));
    assertTrue(Double.parseDouble(free[2]) > Double.parseDouble(dearest[2]));
  }

  @Test
  void filesShouldDriveTheSimulation() throws Exception {
    final Path placement = dir.resolve("placement.csv");
    final Path traffic = dir.resolve("traffic.csv");
    Files.writeString(placement, "vm,host\nweb-1,0\nweb-2,1\ndb,2\n# cache comes later\ncache,3\n");
    Files.writeString(
        traffic,
        "src_vm,dst_vm,bytes_per_second\nweb-1,db,1000\ndb,web-1,500\nweb-2,db,800\ncache,web-1,10\n");
    final CliRun run =
        CliRun.of(
            "simulate",
            "--fanout",
            "2,2",
            "--slots",
            "2",
            "--placement",
            placement.toString(),
            "--traffic",
            traffic.toString(),
            "--rounds",
            "2",
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    final JsonNode out = JSON.readTree(run.out());
    assertEquals(4, out.get("vms").asInt());
    // Small enough for exhaustive search: the reference is the optimum.
    assertEquals("exact", out.get("referenceMethod").asText());
    assertTrue(out.get("finalCost").asDouble() < out.get("initialCost").asDouble());

    // Files keep working with every option that applies to them.
    final Path figures = dir.resolve("figures");
    final CliRun everything =
        CliRun.of(
            "simulate",
            "--fanout",
            "2,2",
            "--slots",
            "2",
            "--placement",
            placement.toString(),
            "--traffic",
            traffic.toString(),
            "--policy",
            "all",
            "--rule",
            "paper",
            "--cm",
            "0.1",
            "--reference",
            "local",
            "--rounds",
            "3",
            "--csv",
            dir.resolve("c.csv").toString(),
            "--plot",
            dir.resolve("c.png").toString(),
            "--figures",
            figures.toString(),
            "--json");
    assertEquals(0, everything.exitCode(), everything.err());
    final JsonNode all = JSON.readTree(everything.out());
    assertEquals("files", all.get("scenario").asText());
    assertEquals("paper", all.get("rule").asText());
    assertEquals(4, all.get("runs").size());
    assertTrue(Files.size(figures.resolve("fig2d-tor-traffic-after.png")) > 1_000);
    // Without a placement file, --initial places the file's VMs.
    final CliRun placed =
        CliRun.of(
            "simulate",
            "--fanout",
            "2,2",
            "--slots",
            "2",
            "--vms-per-host",
            "1",
            "--traffic",
            traffic.toString(),
            "--initial",
            "random",
            "--seed",
            "3",
            "--json");
    assertEquals(0, placed.exitCode(), placed.err());
    assertEquals(4, JSON.readTree(placed.out()).get("vms").asInt());
    expectBadInput(
        "give --placement or --initial, not both",
        "simulate",
        "--fanout",
        "2,2",
        "--slots",
        "2",
        "--placement",
        placement.toString(),
        "--traffic",
        traffic.toString(),
        "--initial",
        "random");
    expectBadInput(
        "the traffic comes from",
        "simulate",
        "--fanout",
        "2,2",
        "--slots",
        "2",
        "--traffic",
        traffic.toString(),
        "--new-flows",
        "0.1");
    expectBadInput(
        "the scenario is rack-local", "simulate", "--scenario", "rack-local", "--peers", "2");
  }

  @Test
  void aRefusedParameterShouldBeNamedByItsOption() throws Exception {
    expectBadInput(
        "score simulate: --hub-share: hubShare must be in [0, 1]", "simulate", "--hub-share", "2");
    expectBadInput("score simulate: --peers: ", "simulate", "--peers", "0.5");
    expectBadInput("score simulate: --group-size: tenant sizes", "simulate", "--group-size", "5,2");
    expectBadInput("score simulate: --new-flows: ", "simulate", "--new-flows", "NaN");
    // A figures directory that cannot be made: the reason in words, not only the path again.
    final Path file = Files.writeString(dir.resolve("plain-file"), "x");
    final CliRun run =
        CliRun.of(
            "simulate",
            "--fanout",
            "2,2",
            "--rounds",
            "1",
            "--figures",
            file.resolve("figures").toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("score simulate: --figures: cannot write into "), run.err());
    assertTrue(
        !run.err().strip().endsWith(": " + file.resolve("figures")), "a reason: " + run.err());
  }

  @Test
  void aMistypedOptionShouldGetOneLineAndAHint() {
    final CliRun run = CliRun.of("simulate", "--fanot", "2,2");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("score simulate: Unknown option"), run.err());
    assertTrue(run.err().contains("--fanout"), "a suggestion: " + run.err());
    assertTrue(run.err().contains("--help` lists the options"), run.err());
    assertTrue(!run.err().contains("Usage:"), run.err());
  }

  @Test
  void badInputShouldNameFileLineAndReasonWithExitCode2() throws Exception {
    final Path placement = dir.resolve("p.csv");
    final Path traffic = dir.resolve("t.csv");
    Files.writeString(placement, "a,0\nb,0\nc,0\n");
    Files.writeString(traffic, "a,b,10\n");
    expectBadInput(
        "p.csv:3: host 0 is overfilled",
        "simulate",
        "--fanout",
        "2,2",
        "--slots",
        "2",
        "--placement",
        placement.toString(),
        "--traffic",
        traffic.toString());

    Files.writeString(placement, "a,0\nb,1\n");
    Files.writeString(traffic, "a,b,10\nb,zed,5\n");
    expectBadInput(
        "t.csv:2: unknown VM zed",
        "simulate",
        "--fanout",
        "2,2",
        "--slots",
        "2",
        "--placement",
        placement.toString(),
        "--traffic",
        traffic.toString());

    Files.writeString(traffic, "a,b,10\na;b;10\n");
    expectBadInput(
        "t.csv:2: expected 3 fields",
        "simulate",
        "--fanout",
        "2,2",
        "--placement",
        placement.toString(),
        "--traffic",
        traffic.toString());

    Files.writeString(traffic, "a,b,fast\n");
    expectBadInput(
        "t.csv:1: rate \"fast\" is not a number",
        "simulate",
        "--fanout",
        "2,2",
        "--placement",
        placement.toString(),
        "--traffic",
        traffic.toString());

    Files.writeString(placement, "a,0\nb,9\n");
    expectBadInput(
        "p.csv:2: host 9 is not in [0, 3]",
        "simulate",
        "--fanout",
        "2,2",
        "--placement",
        placement.toString());

    expectBadInput("--fanout 20,0,4", "simulate", "--fanout", "20,0,4");
    expectBadInput("is not a whole number", "simulate", "--fanout", "20,x");
    expectBadInput("--vms-per-host must be in", "simulate", "--vms-per-host", "17");
    expectBadInput("unknown policy", "simulate", "--policy", "fastest");
    expectBadInput("c_m fraction must be in [0, 1]", "simulate", "--fanout", "2,2", "--cm", "2");
    expectBadInput(
        "cannot read", "simulate", "--fanout", "2,2", "--traffic", dir.resolve("none").toString());

    // Finite rates whose sum, times the link weights, does not fit a double: no Infinity, no NaN.
    expectBadTraffic(
        "src_vm,dst_vm,bytes_per_second\na,b,1e308\nb,c,1e308\n",
        "t.csv:2: the rates up to this line add up to");
    Files.writeString(traffic, "a,b,100\n");
    expectBadInput(
        "--weights: the link weights add up to more than the largest number",
        "simulate",
        "--fanout",
        "2,2,2",
        "--weights",
        "1,1e308,1e308",
        "--traffic",
        traffic.toString());
    // An empty file and one with only its header: nothing to compare, never "100 % of".
    expectBadTraffic("", "t.csv: no traffic");
    expectBadTraffic("src_vm,dst_vm,bytes_per_second\n", "t.csv: no traffic");
    expectBadTraffic("a,b,0\n", "no traffic (every rate is 0)");
    // Bytes that are not UTF-8: the line and column.
    expectBadTraffic("a,b,1\nc,\u00ff,1", "t.csv:2: not UTF-8 text: byte 0xff at column 3");
    expectBadInput("unknown scenario", "simulate", "--scenario", "best");
    expectBadInput("unknown rule", "simulate", "--rule", "best");
    expectBadInput("unknown placement", "simulate", "--initial", "best");
    expectBadInput("--group-size", "simulate", "--group-size", "1,2");
    expectBadInput("newFlowsPerRound must be in [0, 1]", "simulate", "--new-flows", "2");
  }

  @Test
  void aByteOrderMarkShouldNotBreakTheHeader() throws Exception {
    final Path traffic = dir.resolve("bom.csv");
    Files.write(
        traffic,
        ("\uFEFFsrc_vm,dst_vm,bytes_per_second\r\na,b,100\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    final CliRun run =
        CliRun.of(
            "simulate",
            "--fanout",
            "2,2",
            "--traffic",
            traffic.toString(),
            "--rounds",
            "1",
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(1, JSON.readTree(run.out()).get("pairs").asInt());
  }

  @Test
  void aTopologyFileShouldGiveLevelsByName() throws Exception {
    final Path topology = dir.resolve("topology.txt");
    Files.writeString(
        topology, "# host tor agg\nh1 tor1 agg1\nh2 tor1 agg1\nh3 tor2 agg1\nh4 tor3 agg2\n");
    final Path placement = dir.resolve("p.csv");
    Files.writeString(placement, "a,h1\nb,h4\nc,h3\n");
    final Path traffic = dir.resolve("t.csv");
    Files.writeString(traffic, "a,b,100\n");
    final CliRun run =
        CliRun.of(
            "simulate",
            "--topology",
            topology.toString(),
            "--slots",
            "2",
            "--placement",
            placement.toString(),
            "--traffic",
            traffic.toString(),
            "--rounds",
            "1",
            "--json");
    assertEquals(0, run.exitCode(), run.err());
    final JsonNode out = JSON.readTree(run.out());
    // a and b meet at the root (level 3): 2·100·(1 + e + e^3).
    assertEquals(2 * 100 * (1 + Math.E + Math.exp(3)), out.get("initialCost").asDouble(), 1e-6);
    assertEquals(0, out.get("finalCost").asDouble(), 1e-9);

    Files.writeString(topology, "h1 tor1 agg1\nh2 tor1\n");
    expectBadInput(
        "topology.txt:2: host h2 has 1 switch levels",
        "simulate",
        "--topology",
        topology.toString());
  }

  /** A traffic file of {@code contents} (ISO-8859-1, so one char is one byte) is refused so. */
  private void expectBadTraffic(final String contents, final String message) throws Exception {
    final Path traffic = dir.resolve("t.csv");
    Files.write(traffic, contents.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    expectBadInput(message, "simulate", "--fanout", "2,2", "--traffic", traffic.toString());
  }

  private static void expectBadInput(final String message, final String... args) {
    final CliRun run = CliRun.of(args);
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains(message), "expected \"" + message + "\" in: " + run.err());
  }
}
