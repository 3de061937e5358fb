package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.testbed.TestBed;

/** {@code score flows} against a real bridge with real traffic. */
@Tag("ovs")
class FlowsCommandRealOvsTest {
  private static TestBed bed;

  @BeforeAll
  static void createTestBed() {
    bed = TestBed.up("sccli", 2, "10.202.0");
  }

  @AfterAll
  static void removeTestBed() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void flowsShouldShowThePairAndRemoveItsRulesAfterwards() throws Exception {
    final CompletableFuture<TestBed.Iperf> traffic =
        CompletableFuture.supplyAsync(
            () -> {
              TestBed.sleepMillis(1_000);
              return bed.tcp(1, 2, 2, 5301);
            });
    final CliRun run =
        CliRun.of("flows", "--bridge", "sccli", "--for", "6s", "--interval", "500ms", "--json");
    final TestBed.Iperf iperf = traffic.get();
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    final JsonNode output = new ObjectMapper().readTree(run.out());
    assertEquals("sccli", output.path("bridge").asText());
    final JsonNode pair = output.path("pairs").get(0);
    assertNotNull(pair, run.out());
    assertEquals("10.202.0.1", pair.path("a").asText());
    assertEquals("10.202.0.2", pair.path("b").asText());
    assertTrue(pair.path("bytes").asLong() > iperf.receivedBytes(), run.out());
    assertTrue(pair.path("bytesPerSecond").asLong() > 0, run.out());
    assertFalse(pair.path("macA").isNull(), run.out());
    assertFalse(
        TestBed.run(List.of("ovs-ofctl", "dump-flows", "sccli"), 10).contains("0x5c0e"),
        "the run must remove the rules it installed");
  }

  @Test
  void aSnapshotWithoutCountingRulesShouldSaySo() {
    final CliRun run = CliRun.of("flows", "--bridge", "sccli");
    assertEquals(ExitCode.FAILURE, run.exitCode());
    assertTrue(run.err().contains("no counting rules on bridge sccli"), run.err());
    assertFalse(TestBed.run(List.of("ovs-ofctl", "dump-flows", "sccli"), 10).contains("0x5c0e"));
  }

  @Test
  void aMissingBridgeShouldSaySo() {
    final CliRun run = CliRun.of("flows", "--bridge", "scnobr", "--for", "1s");
    assertEquals(ExitCode.FAILURE, run.exitCode());
    assertTrue(run.err().contains("bridge 'scnobr' does not exist"), run.err());
  }
}
