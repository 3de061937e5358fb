package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score plan as an operator runs it. */
class PlanCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void singleVmPlanShouldPrintTheIssuesKeys() throws IOException {
    final CliRun run =
        CliRun.of(
            "plan",
            "--memory",
            "1024MiB",
            "--dirty-rate",
            "50pages/s",
            "--deadline",
            "330s",
            "--max-bandwidth",
            "1Gbps",
            "--downtime",
            "300ms",
            "--json");
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    final JsonNode json = MAPPER.readTree(run.out());
    assertEquals(27.67, json.path("bandwidthMbps").asDouble(), 0.01);
    assertEquals(3, json.path("rounds").asInt());
    assertTrue(json.path("timeSeconds").asDouble() <= 330);
    assertTrue(json.path("downtimeMillis").asDouble() <= 300);
    assertTrue(json.path("trafficMiB").asDouble() > 1024);
    assertTrue(json.path("energyJoules").asDouble() > 0);
    final CliRun text =
        CliRun.of(
            "plan",
            "--memory",
            "1GiB",
            "--dirty-rate",
            "400pages/s,800pages/s",
            "--deadline",
            "330s");
    assertTrue(text.out().startsWith("min-bandwidth: bandwidth 52.2"), text.out());
    final CliRun mean =
        CliRun.of(
            "plan",
            "--memory",
            "1GiB",
            "--dirty-rate",
            "400pages/s,800pages/s",
            "--dirty-rate-from",
            "mean",
            "--deadline",
            "330s");
    assertTrue(mean.out().startsWith("min-bandwidth: bandwidth 45.678"), mean.out());
  }

  @Test
  void minimumEnergyShouldReportBothEnergies() throws IOException {
    final CliRun run =
        CliRun.of(
            "plan",
            "--memory",
            "4096Mb",
            "--dirty-rate",
            "300Mbps",
            "--deadline",
            "13.5s",
            "--downtime",
            "600ms",
            "--max-bandwidth",
            "900Mbps",
            "--objective",
            "min-energy",
            "--json");
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    final JsonNode json = MAPPER.readTree(run.out());
    assertTrue(
        json.path("energyJoules").asDouble() < json.path("leastBandwidthEnergyJoules").asDouble());
    assertTrue(json.path("bandwidthMbps").asDouble() <= 900);
  }

  @Test
  void infeasibleAndBadInputShouldExitTwoWithWhatWouldWork() {
    final CliRun slowPath =
        CliRun.of(
            "plan",
            "--memory",
            "1024MiB",
            "--dirty-rate",
            "50pages/s",
            "--deadline",
            "60s",
            "--max-bandwidth",
            "100Mbps");
    assertEquals(ExitCode.BAD_INPUT, slowPath.exitCode());
    assertTrue(slowPath.err().startsWith("score plan: infeasible"), slowPath.err());
    assertTrue(slowPath.err().contains("the least deadline at 100.000 Mbps is 8"), slowPath.err());
    final CliRun dirty =
        CliRun.of(
            "plan",
            "--memory",
            "1024MiB",
            "--dirty-rate",
            "200Mbps",
            "--deadline",
            "60s",
            "--max-bandwidth",
            "100Mbps");
    assertEquals(ExitCode.BAD_INPUT, dirty.exitCode());
    assertTrue(dirty.err().contains("not below"), dirty.err());
    final CliRun zero =
        CliRun.of("plan", "--memory", "0MiB", "--dirty-rate", "1pages/s", "--deadline", "1s");
    assertEquals(ExitCode.BAD_INPUT, zero.exitCode());
    assertTrue(zero.err().contains("--memory must be more than 0"), zero.err());
    final CliRun unit =
        CliRun.of("plan", "--memory", "1024", "--dirty-rate", "1pages/s", "--deadline", "1s");
    assertEquals(ExitCode.BAD_INPUT, unit.exitCode());
    assertTrue(unit.err().contains("--memory"), unit.err());
    assertTrue(unit.err().contains("MiB"), unit.err());
  }

  @Test
  void evacuationShouldChooseTechniquesAndNameBadLines(@TempDir final Path dir) throws IOException {
    final Path file =
        Files.writeString(
            dir.resolve("rack.csv"), "# slides\nVM1,200Mbps,400Mbps\nVM2,300Mbps,500Mbps\n");
    final CliRun run = CliRun.of("plan", "--evacuate", file.toString(), "--json");
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    final JsonNode json = MAPPER.readTree(run.out());
    assertEquals("post-copy", json.path("vms").get(0).path("technique").asText());
    assertEquals("pre-copy", json.path("vms").get(1).path("technique").asText());
    assertEquals(400, json.path("contentionMbps").asDouble(), 1e-9);
    assertEquals(500, json.path("allPreCopyMbps").asDouble(), 1e-9);
    assertEquals(900, json.path("allPostCopyMbps").asDouble(), 1e-9);
    final CliRun text = CliRun.of("plan", "--evacuate", file.toString());
    assertTrue(text.out().contains("VM1 post-copy"), text.out());
    final Path bad = Files.writeString(dir.resolve("bad.csv"), "VM1,200Mbps,400Mbps\nVM2,300\n");
    final CliRun badRun = CliRun.of("plan", "--evacuate", bad.toString());
    assertEquals(ExitCode.BAD_INPUT, badRun.exitCode());
    assertTrue(badRun.err().contains("bad.csv:2: expected 3"), badRun.err());
  }
}
