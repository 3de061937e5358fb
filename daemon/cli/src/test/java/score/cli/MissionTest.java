package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.testbed.TestBed;

/**
 * The mission end to end ({@code deploy/mission.sh}, the README's first command): four hosts in two
 * racks under two pods, each chatty pair of guests split across the pods, {@code score agent} on
 * every host, a real Prometheus server. Every figure asserted here is the script's reading of
 * Prometheus's HTTP API; the placement and the guests' heartbeats are checked by the script on
 * libvirt and the guests' own logs.
 */
@Tag("libvirt")
class MissionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode mission(final Path out, final String... options)
      throws IOException, InterruptedException {
    final List<String> command =
        new java.util.ArrayList<>(
            List.of(TestBed.script("mission.sh").toString(), "--json", "--out", out.toString()));
    command.addAll(List.of(options));
    final ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("log").toFile());
    builder.environment().put("SCORE_SKIP_SETUP", "1");
    builder.environment().put("SCORE_LAUNCHER", ScoreProcess.launcher());
    Files.createDirectories(out);
    final Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroy(); // its trap takes everything down
      process.waitFor(60, TimeUnit.SECONDS);
      throw new AssertionError("the mission did not end in 10 minutes: " + out.resolve("log"));
    }
    final String log = Files.readString(out.resolve("log"));
    assertEquals(0, process.exitValue(), log);
    final String[] lines = log.strip().split("\n");
    System.out.println("mission " + String.join(" ", options) + ": " + lines[lines.length - 1]);
    return JSON.readTree(lines[lines.length - 1]);
  }

  @Test
  void theAgentsShouldHalveTheCostThroughRealLiveMigrations(@TempDir final Path dir)
      throws Exception {
    final JsonNode result = mission(dir.resolve("run"));
    final String why = result + "\n" + evidence(dir.resolve("run"));
    assertEquals(4, result.path("hosts").asInt(), why);
    assertEquals(4, result.path("vms").asInt(), why);
    assertTrue(result.path("initialCost").asDouble() > 0, why);
    assertTrue(result.path("reductionPct").asDouble() >= 50, "cost at least halved: " + why);
    assertEquals(0, result.path("ringErrors").asInt(), "no fault in any ring's loop: " + why);
    assertTrue(result.path("migrations").asInt() >= 1, why);
    assertTrue(result.path("decisions").path("moved").asInt() >= 1, why);
    // Exactly one host per guest, same boot, heartbeats going on, no page corrupted.
    assertEquals(4, result.path("guestsIntact").asInt(), why);
    assertEquals("ok", result.path("metricsLint").asText(), why);
    // Each chatty pair ends on one host (or at least in one pod).
    final String placement = result.path("placement").asText();
    assertTrue(
        pod(placement, 1) == pod(placement, 2) && pod(placement, 3) == pod(placement, 4),
        placement);
    assertTrue(Files.size(dir.resolve("run").resolve("mission.csv")) > 0);
  }

  /**
   * The other three token policies on agents reach the same lowest cost as load-aware (each chatty
   * pair on one host: cost 0); global orders by the pairwise costs the token carries.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"global", "round-robin", "distributed"})
  void everyPolicyShouldReachTheSameLowestCost(final String policy, @TempDir final Path dir)
      throws Exception {
    final JsonNode result = mission(dir.resolve(policy), "--policy", policy);
    final String why = result + "\n" + evidence(dir.resolve(policy));
    assertEquals(policy, result.path("policy").asText(), why);
    assertTrue(result.path("initialCost").asDouble() > 0, why);
    assertTrue(
        result.path("finalCost").asDouble() <= 0.01 * result.path("initialCost").asDouble(),
        "the lowest cost, every pair on one host: " + why);
    assertEquals(4, result.path("guestsIntact").asInt(), why);
    assertEquals(0, result.path("ringErrors").asInt(), "no fault in any ring's loop: " + why);
  }

  @Test
  void aDryRunShouldDecideAndLogButMoveNothing(@TempDir final Path dir) throws Exception {
    final Path out = dir.resolve("dry");
    final JsonNode result = mission(out, "--dry-run");
    final String why = result.toString();
    assertEquals(0, result.path("migrations").asInt(), why);
    assertEquals(0, result.path("failedMigrations").asInt(), why);
    assertTrue(result.path("decisions").path("dry_run").asInt() >= 1, why);
    assertEquals("g1:h1 g2:h3 g3:h2 g4:h4", result.path("placement").asText(), why);
    assertEquals(4, result.path("guestsIntact").asInt(), why);
    final StringBuilder logs = new StringBuilder();
    for (int host = 1; host <= 4; host++) {
      logs.append(Files.readString(out.resolve("agent-h" + host + ".log")));
    }
    assertTrue(logs.toString().contains("dry run: would move"), "decisions logged");
  }

  @Test
  void aHolderKilledWhileItMigratesShouldLoseNoVmAndTheRingGoOn(@TempDir final Path dir)
      throws Exception {
    final JsonNode result = mission(dir.resolve("kill"), "--kill-holder");
    final String why = result + "\n" + evidence(dir.resolve("kill"));
    assertTrue(result.path("killedHost").asText().startsWith("h"), "a holder was killed: " + why);
    // Each guest on exactly one host, same boot, heartbeats going on, no page corrupted.
    assertEquals(4, result.path("guestsIntact").asInt(), why);
    assertTrue(
        result.path("tokenEpochAfter").asLong() > result.path("tokenEpochBefore").asLong(),
        "the token was regenerated: " + why);
    // The decisions after the fault found the VMs where they were: the pairs came together.
    assertTrue(result.path("reductionPct").asDouble() >= 50, why);
    final String placement = result.path("placement").asText();
    assertTrue(
        pod(placement, 1) == pod(placement, 2) && pod(placement, 3) == pod(placement, 4),
        placement);
  }

  /**
   * What a failure report needs beyond the figures: the mission's progress lines and the last lines
   * of every agent's log (bounded), so a fault seen once on CI can be read afterwards.
   */
  private static String evidence(final Path out) {
    final StringBuilder text = new StringBuilder();
    try {
      for (final String line : Files.readAllLines(out.resolve("log"))) {
        if (line.startsWith("mission:")) {
          text.append(line).append('\n');
        }
      }
      for (int host = 1; host <= 4; host++) {
        final Path log = out.resolve("agent-h" + host + ".log");
        if (!Files.exists(log)) {
          continue;
        }
        final List<String> lines = Files.readAllLines(log);
        text.append("--- agent h").append(host).append(" (last lines)\n");
        for (final String line : lines.subList(Math.max(0, lines.size() - 40), lines.size())) {
          text.append(line, 0, Math.min(line.length(), 300)).append('\n');
        }
      }
    } catch (final IOException e) {
      text.append("(cannot read the logs: ").append(e).append(')');
    }
    return text.toString();
  }

  /** The pod (1: hosts h1, h2; 2: h3, h4) where guest {@code g} runs, from "g1:h1 g2:h3 ...". */
  private static int pod(final String placement, final int guest) {
    for (final String entry : placement.split(" ")) {
      if (entry.startsWith("g" + guest + ":h")) {
        return Integer.parseInt(entry.substring(entry.indexOf(":h") + 2)) <= 2 ? 1 : 2;
      }
    }
    throw new AssertionError("g" + guest + " not in " + placement);
  }
}
