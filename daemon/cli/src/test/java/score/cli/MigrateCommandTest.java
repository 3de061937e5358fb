package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.TypedParameter;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/**
 * {@code score migrate} on the real test bed (four hosts in two racks, each with its own OVS and
 * libvirtd, real guests): a planned migration across racks, post-copy, and the faults of issue 11,
 * each ending with the guest running on exactly one host with its heartbeat going on.
 */
@Tag("libvirt")
class MigrateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DataCentreBed bed;
  private static Path cluster;

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(4, 2);
    cluster = bed.clusterFile();
  }

  @AfterAll
  static void down() {
    if (bed != null) {
      bed.close();
    }
  }

  /** Whatever a fault test broke comes back, also when it failed. */
  @AfterEach
  void repair() {
    for (int host = 1; host <= 4; host++) {
      script("uplink", "" + host, "up");
      if (TestBed.exec(List.of("virsh", "-c", bed.uri(host), "version"), 10).exit() != 0) {
        script("libvirtd", "" + host, "start");
      }
    }
  }

  private static void script(final String... arguments) {
    final List<String> command =
        new java.util.ArrayList<>(List.of(TestBed.script("testbed.sh").toString()));
    command.addAll(List.of(arguments));
    TestBed.run(command, 60);
  }

  private static JsonNode json(final CliRun run) throws Exception {
    final String[] lines = run.out().strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  private static CliRun migrate(final String... arguments) {
    final List<String> command =
        new java.util.ArrayList<>(List.of("migrate", "--config", cluster.toString()));
    command.addAll(List.of(arguments));
    return CliRun.of(command.toArray(String[]::new));
  }

  /** The guest's heartbeat goes on after the event: same boot, later beats, no page lost. */
  private static void assertAlive(final Path log, final DataCentreBed.Heartbeat before)
      throws Exception {
    final DataCentreBed.Heartbeat now =
        DataCentreBed.awaitHeartbeat(log, DataCentreBed.heartbeat(log).orElseThrow().sequence());
    final DataCentreBed.Heartbeat later = DataCentreBed.awaitHeartbeat(log, now.sequence() + 3);
    assertEquals(before.boot(), later.boot(), "the guest never rebooted: " + log);
    assertTrue(later.sequence() > before.sequence(), "heartbeats go on: " + later);
    assertEquals(0, later.badPages(), "no page lost or corrupted: " + later);
  }

  /** Polls the migration job of {@code vm} on {@code uri} until it has moved {@code bytes}. */
  private static void awaitMigrated(final String uri, final String vm, final long bytes)
      throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    final Connect connection = new Connect(uri);
    try {
      final Domain domain = connection.domainLookupByName(vm);
      while (System.nanoTime() - deadline < 0) {
        for (final TypedParameter stat : domain.getJobStats(0).stats) {
          if ("data_processed".equals(stat.field)
              && Long.parseLong(stat.getValueAsString()) >= bytes) {
            return;
          }
        }
        Thread.sleep(100);
      }
      throw new AssertionError("the migration of " + vm + " never moved " + bytes + " bytes");
    } finally {
      connection.close();
    }
  }

  private static List<String> runningOn(final String vm) {
    final List<String> hosts = new java.util.ArrayList<>();
    for (int host = 1; host <= 4; host++) {
      final String names = TestBed.run(List.of("virsh", "-c", bed.uri(host), "list", "--name"), 10);
      if (names.lines().anyMatch(vm::equals)) {
        hosts.add("h" + host);
      }
    }
    return hosts;
  }

  private static final java.util.regex.Pattern RX_BYTES =
      java.util.regex.Pattern.compile("rx pkts=\\d+, bytes=(\\d+)");

  /**
   * Bytes the top-of-rack bridge t1 received from host h1 on its port d1, read live from the switch
   * (the Interface table's statistics lag by up to 5 s).
   */
  private static long torBytesFromHost1() {
    final String ports =
        bed.execFabric(List.of("ovs-ofctl", "dump-ports", "t1", "d1"), 10).output();
    final java.util.regex.Matcher matcher = RX_BYTES.matcher(ports);
    assertTrue(matcher.find(), ports);
    return Long.parseLong(matcher.group(1));
  }

  @Test
  void aDeadlineMigrationAcrossRacksShouldFollowThePlanCrossTheSwitchesAndMoveTheTraffic()
      throws Exception {
    final Path peer = bed.startGuest(2, "peer", "10.210.1.200", "tb.port=9000");
    final Path log =
        bed.startGuest(
            1,
            "web",
            "10.210.1.10",
            "--memory 256 tb.dirty=2000 tb.mem=160 tb.peers=10.210.1.200:9000 tb.kbps=200");
    final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
    DataCentreBed.awaitHeartbeat(peer, 1);
    final long sourceTrafficBefore = uplinkTxPackets(1);
    final long torBefore = torBytesFromHost1();
    final CliRun run = migrate("web", "--to", "h3", "--deadline", "20s", "--json");
    assertEquals(ExitCode.OK, run.exitCode(), run.err() + run.out());
    final JsonNode result = json(run);
    System.out.println("score migrate --deadline 20s: " + result);
    assertEquals("completed", result.path("outcome").asText(), result.toString());
    assertEquals("h1", result.path("from").asText());
    assertEquals("h3", result.path("to").asText());
    assertEquals(List.of("h3"), runningOn("web"));
    final double planned = result.path("plannedBandwidthMbps").asDouble();
    final double applied = result.path("appliedBandwidthMbps").asDouble();
    assertTrue(planned > 0 && applied >= planned && applied < planned + 8.4, result.toString());
    assertTrue(result.path("predictedSeconds").asDouble() <= 20, result.toString());
    final double movedMiB = result.path("dataMiB").asDouble();
    assertTrue(movedMiB > 200, "a 256 MiB guest moved: " + result);
    for (final String key :
        List.of("vm", "measuredSeconds", "downtimeMillis", "predictedSeconds", "dataMiB")) {
      assertTrue(result.has(key), key + " in " + result);
    }
    // The stream crossed h1's top-of-rack switch: at least the data moved, plus headers.
    final double torMiB = (torBytesFromHost1() - torBefore) / (double) (1 << 20);
    System.out.printf("t1 received %.1f MiB from h1 for %.1f MiB migrated%n", torMiB, movedMiB);
    assertTrue(torMiB >= movedMiB && torMiB < movedMiB * 1.3 + 8, torMiB + " vs " + movedMiB);
    assertAlive(log, before);
    // The guest's own datagrams now leave through h3's uplink, and no longer through h1's.
    final long sourceTrafficAfter = uplinkTxPackets(1);
    final long destinationBefore = uplinkTxPackets(3);
    final long sourceIdleFrom = uplinkTxPackets(1);
    DataCentreBed.awaitHeartbeat(log, DataCentreBed.heartbeat(log).orElseThrow().sequence() + 3);
    final long destinationSent = uplinkTxPackets(3) - destinationBefore;
    final long sourceSent = uplinkTxPackets(1) - sourceIdleFrom;
    System.out.printf(
        "over 3 s after the move: h3 uplink sent %d packets, h1 uplink %d (before: %d in all)%n",
        destinationSent, sourceSent, sourceTrafficAfter - sourceTrafficBefore);
    assertTrue(destinationSent >= 30, "the guest's traffic leaves h3 now: " + destinationSent);
    assertTrue(sourceSent < destinationSent / 5, "and no longer h1: " + sourceSent);
    TestBed.run(List.of("virsh", "-c", bed.uri(3), "destroy", "web"), 30);
    TestBed.run(List.of("virsh", "-c", bed.uri(2), "destroy", "peer"), 30);
  }

  /** Packets host {@code host} sent to its top-of-rack switch. */
  private static long uplinkTxPackets(final int host) {
    return Long.parseLong(
        bed.exec(host, List.of("cat", "/sys/class/net/up0/statistics/tx_packets"), 10)
            .output()
            .strip());
  }

  @Test
  void postCopyShouldFinishWhatPreCopyCannotAndBeRefusedWhenNotAllowed() throws Exception {
    final Path log = bed.startGuest(1, "busy", "10.210.1.20", "tb.dirty=5000 tb.mem=40");
    final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
    final CliRun refused =
        migrate("busy", "--to", "h4", "--bandwidth", "96Mbps", "--dirty-rate", "5000pages/s");
    assertEquals(ExitCode.BAD_INPUT, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("never converges"), refused.err());
    assertTrue(refused.err().contains("nothing was started"), refused.err());
    assertEquals(List.of("h1"), runningOn("busy"));
    final CliRun run =
        migrate(
            "busy",
            "--to",
            "h4",
            "--bandwidth",
            "96Mbps",
            "--dirty-rate",
            "5000pages/s",
            "--allow-post-copy",
            "--json");
    assertEquals(ExitCode.OK, run.exitCode(), run.err() + run.out());
    final JsonNode result = json(run);
    System.out.println("post-copy: " + result);
    assertTrue(result.path("plannedPostCopy").asBoolean(), result.toString());
    assertTrue(result.path("postCopy").asBoolean(), "switched to post-copy: " + result);
    assertEquals("completed", result.path("outcome").asText());
    assertEquals(List.of("h4"), runningOn("busy"));
    assertAlive(log, before);
    TestBed.run(List.of("virsh", "-c", bed.uri(4), "destroy", "busy"), 30);
  }

  /** Runs {@code score migrate} in the background, injects {@code fault} once data moves. */
  private static CliRun migrateWithFault(
      final String vm, final int from, final int to, final Runnable fault) throws Exception {
    final CompletableFuture<CliRun> run =
        CompletableFuture.supplyAsync(
            () ->
                migrate(
                    vm,
                    "--to",
                    "h" + to,
                    "--bandwidth",
                    "80Mbps",
                    "--dirty-rate-samples",
                    "1",
                    "--progress-timeout",
                    "10s",
                    "--libvirt-timeout",
                    "10s",
                    "--json"));
    awaitMigrated(bed.uri(from), vm, 16L << 20);
    fault.run();
    // The adapter's own timeouts end it: no hang, whatever libvirt does.
    return run.get(90, TimeUnit.SECONDS);
  }

  @Test
  void aDestinationLibvirtdKilledMidwayShouldLeaveTheGuestOnTheSource() throws Exception {
    final Path log = bed.startGuest(1, "f1", "10.210.1.31", "tb.dirty=500 tb.mem=40");
    final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
    final CliRun run = migrateWithFault("f1", 1, 3, () -> script("libvirtd", "3", "stop"));
    System.out.println("destination libvirtd killed: " + run.out() + run.err());
    assertEquals(ExitCode.FAILURE, run.exitCode(), run.out() + run.err());
    final JsonNode result = json(run);
    assertFalse("completed".equals(result.path("outcome").asText()), result.toString());
    assertFalse(result.path("why").asText().isBlank(), result.toString());
    script("libvirtd", "3", "start");
    assertEquals(List.of("h1"), runningOn("f1"));
    assertAlive(log, before);
    TestBed.run(List.of("virsh", "-c", bed.uri(1), "destroy", "f1"), 30);
  }

  @Test
  void theSourceUplinkDownMidwayShouldBeAbortedByTheStallTimeout() throws Exception {
    final Path log = bed.startGuest(2, "f2", "10.210.1.32", "tb.dirty=500 tb.mem=40");
    final DataCentreBed.Heartbeat before = DataCentreBed.awaitHeartbeat(log, 3);
    final CliRun run = migrateWithFault("f2", 2, 4, () -> script("uplink", "2", "down"));
    System.out.println("source uplink down: " + run.out() + run.err());
    assertEquals(ExitCode.FAILURE, run.exitCode(), run.out() + run.err());
    final JsonNode result = json(run);
    assertEquals("aborted", result.path("outcome").asText(), result.toString());
    assertTrue(result.path("why").asText().contains("no data moved"), result.toString());
    script("uplink", "2", "up");
    assertEquals(List.of("h2"), runningOn("f2"));
    assertAlive(log, before);
    TestBed.run(List.of("virsh", "-c", bed.uri(2), "destroy", "f2"), 30);
  }

  @Test
  void aLibvirtdThatDoesNotRunShouldBeNamedWithExitOneBeforeAnythingStarts() throws Exception {
    final Path log = bed.startGuest(1, "f3", "10.210.1.33", "tb.dirty=100 tb.mem=8");
    DataCentreBed.awaitHeartbeat(log, 1);
    script("libvirtd", "4", "stop");
    final CliRun toDown = migrate("f3", "--to", "h4", "--deadline", "30s");
    assertEquals(ExitCode.FAILURE, toDown.exitCode(), toDown.err());
    assertTrue(toDown.err().contains("libvirtd of h4 does not answer"), toDown.err());
    assertTrue(toDown.err().contains("nothing was started"), toDown.err());
    final CliRun infeasible =
        migrate("f3", "--to", "h3", "--deadline", "1s", "--max-bandwidth", "100Mbps");
    assertEquals(ExitCode.BAD_INPUT, infeasible.exitCode(), infeasible.err());
    assertTrue(
        infeasible.err().contains("the least deadline at 100.000 Mbps is"), infeasible.err());
    final CliRun unknown = migrate("f3", "--to", "h9", "--deadline", "30s");
    assertEquals(ExitCode.BAD_INPUT, unknown.exitCode());
    assertTrue(unknown.err().contains("no host 'h9'"), unknown.err());
    final CliRun nowhere = migrate("ghost", "--to", "h3", "--deadline", "30s");
    assertEquals(ExitCode.FAILURE, nowhere.exitCode());
    assertTrue(nowhere.err().contains("no answer from h4"), nowhere.err());
    script("libvirtd", "4", "start");
    assertEquals(List.of("h1"), runningOn("f3"));
    TestBed.run(List.of("virsh", "-c", bed.uri(1), "destroy", "f3"), 30);
  }
}
