package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.flowtable.FlowTable;
import score.flowtable.Ipv4;
import score.flowtable.PairAggregate;
import score.testbed.TestBed;

/**
 * The flow table fed by a real Open vSwitch userspace bridge, with iperf3 between hosts in network
 * namespaces. OVS counts whole Ethernet frames and iperf3 reports payload, so the comparison
 * subtracts the headers per packet: 66 bytes for TCP (Ethernet 14, IPv4 20, TCP with timestamps 32)
 * and 42 for UDP (14 + 20 + 8).
 */
@Tag("ovs")
class OvsFlowPollerRealOvsTest {
  private static final int TCP_HEADER_BYTES = 66;
  private static final int UDP_HEADER_BYTES = 42;
  private static final String OVS_CTL = "/usr/share/openvswitch/scripts/ovs-ctl";

  private static TestBed bed;
  private static volatile OvsFlowPoller statsSource;
  private final OvsCommandLine ovs = new OvsCommandLine();
  private final FlowTable table = new FlowTable(100_000, 0);
  private ScheduledExecutorService executor;
  private OvsFlowPoller poller;

  @BeforeAll
  static void createTestBed() {
    bed = TestBed.up("scfp", 8, "10.201.0");
  }

  @AfterAll
  static void removeTestBed() {
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopPoller() throws Exception {
    if (executor != null) {
      poller.stop();
      executor.shutdown();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    }
    ensureOvsRunning();
    ovs.deleteFlows(bed.bridge(), CountingPipeline.allAgentRules());
    ovs.close();
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** The poller reads binary flow statistics (the agent's path) unless a test asks for text. */
  private boolean textOnly;

  private void startPoller(final CountingPipeline pipeline, final Duration interval) {
    poller =
        textOnly
            ? new OvsFlowPoller(ovs, bed.bridge(), pipeline, table, () -> now() + 10_000, true)
            : new OvsFlowPoller(
                ovs,
                bed.bridge(),
                pipeline,
                table,
                () -> now() + 10_000,
                true,
                ovs.openFlowStats());
    executor = Executors.newSingleThreadScheduledExecutor();
    poller.start(executor, interval, Duration.ofSeconds(2));
    statsSource = poller;
    waitFor(() -> poller.stats().polls() >= 1, 10_000, "first poll");
  }

  /** Stops the schedule and polls once more on this thread after OVS has flushed counters. */
  private void finishPolling() throws Exception {
    TestBed.sleepMillis(2_500);
    poller.stop();
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    executor = null;
    poller.pollOnce();
    if (textOnly) {
      assertEquals(0, poller.binaryPolls(), "the fallback path only");
    } else {
      assertTrue(poller.binaryPolls() > 0, "read through the management socket");
    }
  }

  private PairAggregate pair(final TestBed testBed, final int a, final int b) {
    final int ipA = Ipv4.parse(testBed.address(a));
    final int ipB = Ipv4.parse(testBed.address(b));
    return table.pairsOf(ipA, now() + 10_000).stream()
        .filter(p -> p.ipB() == ipB)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pair " + a + "-" + b + " in " + table.pairs(0)));
  }

  private static void assertWithinTwoPercent(
      final long expectedPayload, final PairAggregate pair, final int headerBytes) {
    final long payload = pair.bytes() - (long) headerBytes * pair.packets();
    final double error = Math.abs(payload - expectedPayload) / (double) expectedPayload;
    assertTrue(
        error <= 0.02,
        "table payload "
            + payload
            + " (wire "
            + pair.bytes()
            + " in "
            + pair.packets()
            + " packets) vs iperf3 "
            + expectedPayload
            + ": "
            + String.format("%.3f%%", error * 100));
  }

  @Test
  void theTextFallbackShouldCountTheSame() throws Exception {
    textOnly = true;
    perPairBytesShouldMatchIperfWithinTwoPercentWithBothDirectionsMerged();
  }

  @Test
  void perPairBytesShouldMatchIperfWithinTwoPercentWithBothDirectionsMerged() throws Exception {
    startPoller(CountingPipeline.defaults(), Duration.ofMillis(500));
    final TestBed.Iperf tcp12 = bed.tcp(1, 2, 3, 5201);
    final TestBed.Iperf udp34 = bed.udp(3, 4, 3, 5202, 100_000_000);
    final TestBed.Iperf tcp65 = bed.tcp(6, 5, 3, 5203);
    final TestBed.Iperf udp78 = bed.udp(7, 8, 3, 5204, 40_000_000);
    final TestBed.Iperf tcp25 = bed.tcp(2, 5, 2, 5205);
    finishPolling();

    assertWithinTwoPercent(tcp12.receivedBytes(), pair(bed, 1, 2), TCP_HEADER_BYTES);
    assertWithinTwoPercent(udp34.receivedBytes(), pair(bed, 3, 4), UDP_HEADER_BYTES);
    assertWithinTwoPercent(tcp65.receivedBytes(), pair(bed, 5, 6), TCP_HEADER_BYTES);
    assertWithinTwoPercent(udp78.receivedBytes(), pair(bed, 7, 8), UDP_HEADER_BYTES);
    assertWithinTwoPercent(tcp25.receivedBytes(), pair(bed, 2, 5), TCP_HEADER_BYTES);

    // Both directions of every connection (data and iperf3's control connection) in one pair.
    final PairAggregate forward = pair(bed, 1, 2);
    final PairAggregate backward = pair(bed, 2, 1);
    assertEquals(forward.bytes(), backward.bytes());
    assertEquals(4, forward.flows());
    // Host 2 talks to 1 and to 5: two neighbours, most traffic first.
    assertEquals(2, table.pairsOf(Ipv4.parse(bed.address(2)), now()).size());
    // The MAC table learned each sender.
    assertTrue(table.sourceMac(Ipv4.parse(bed.address(1))) > 0);
    assertEquals(0, poller.stats().malformedLines());
    assertEquals(0, poller.binaryFailures(), "no fallback without a fault");
  }

  @Test
  void aPairWhoseRuleExpiredShouldKeepItsHistory() throws Exception {
    final CountingPipeline shortLived = new CountingPipeline(1, 3, 2, Duration.ofSeconds(2));
    startPoller(shortLived, Duration.ofMillis(500));
    final TestBed.Iperf tcp = bed.tcp(1, 3, 2, 5211);
    TestBed.sleepMillis(1_500);
    final long bytesWhileLive = pair(bed, 1, 3).bytes();
    final String client = bed.address(1);
    waitFor(() -> !dump().contains("nw_src=" + client + ","), 20_000, "learned rules to expire");
    finishPolling();
    final PairAggregate afterExpiry = pair(bed, 1, 3);
    assertFalse(dump().contains("nw_src=" + client + ","), "OVS still has the rule");
    assertEquals(bytesWhileLive, afterExpiry.bytes());
    assertWithinTwoPercent(tcp.receivedBytes(), afterExpiry, TCP_HEADER_BYTES);
  }

  @Test
  void ovsRestartAndCrashShouldNeitherLoseNorDoubleCount() throws Exception {
    startPoller(CountingPipeline.defaults(), Duration.ofMillis(500));
    final TestBed.Iperf before = bed.tcp(1, 4, 2, 5221);
    TestBed.sleepMillis(2_500);
    final long resetsBefore = poller.stats().countersResets();

    // A restart saves and restores rules, with every counter back at zero.
    TestBed.run(List.of(OVS_CTL, "restart"), 120);
    waitFor(() -> poller.stats().countersResets() > resetsBefore, 20_000, "restart detected");
    final TestBed.Iperf afterRestart = bed.tcp(1, 4, 2, 5222);
    TestBed.sleepMillis(2_500);
    final long installsBeforeCrash = poller.stats().pipelineInstalls();

    // A crash loses every rule; the poller must reinstall its pipeline.
    final long pid = ovs.vswitchdPid();
    TestBed.run(List.of("kill", "-9", "" + pid), 10);
    // ovs-ctl refuses to start while the monitor of the killed daemon has not exited yet.
    waitFor(
        () -> TestBed.exec(List.of("pgrep", "-x", "ovs-vswitchd"), 10).exit() != 0,
        10_000,
        "killed ovs-vswitchd and its monitor gone");
    TestBed.run(List.of(OVS_CTL, "--system-id=random", "start"), 120);
    waitFor(
        () -> poller.stats().pipelineInstalls() > installsBeforeCrash,
        30_000,
        "pipeline reinstalled after crash");
    final TestBed.Iperf afterCrash = bed.tcp(1, 4, 2, 5223);
    finishPolling();

    assertWithinTwoPercent(
        before.receivedBytes() + afterRestart.receivedBytes() + afterCrash.receivedBytes(),
        pair(bed, 1, 4),
        TCP_HEADER_BYTES);
    assertTrue(poller.stats().countersResets() >= 2, poller.stats().toString());
  }

  @Test
  void aStoppedOvsShouldBeCountedRetriedAndSurvived() throws Exception {
    startPoller(CountingPipeline.defaults(), Duration.ofMillis(300));
    final TestBed.Iperf before = bed.tcp(2, 3, 2, 5231);
    TestBed.sleepMillis(2_500);
    final long bytesBefore = pair(bed, 2, 3).bytes();

    TestBed.run(List.of(OVS_CTL, "stop"), 120);
    waitFor(() -> poller.stats().failures() >= 2, 20_000, "failed polls counted");
    final PollerStats down = poller.stats();
    assertTrue(down.lastError().contains("not running"), down.lastError());
    assertEquals(bytesBefore, pair(bed, 2, 3).bytes(), "last good data must stay");

    TestBed.run(List.of(OVS_CTL, "--system-id=random", "start"), 120);
    waitFor(
        () -> poller.stats().consecutiveFailures() == 0 && poller.stats().polls() > down.polls(),
        30_000,
        "recovery");
    final TestBed.Iperf after = bed.tcp(2, 3, 2, 5232);
    finishPolling();
    assertWithinTwoPercent(
        before.receivedBytes() + after.receivedBytes(), pair(bed, 2, 3), TCP_HEADER_BYTES);
    assertTrue(poller.stats().pipelineInstalls() >= 2, poller.stats().toString());
  }

  @Test
  void aMissingBridgeShouldFailWithItsName() {
    final OvsFlowPoller lost =
        new OvsFlowPoller(
            ovs, "scnobridge", CountingPipeline.defaults(), table, () -> now() + 10_000, false);
    final OvsException failure = assertThrows(OvsException.class, lost::pollOnce);
    assertEquals(OvsException.Kind.BRIDGE_MISSING, failure.kind());
    assertTrue(failure.getMessage().contains("'scnobridge' does not exist"), failure.getMessage());
  }

  private String dump() {
    try {
      final OvsSwitch.Dump dump = new OvsCommandLine().dumpFlows(bed.bridge());
      return new String(dump.bytes(), 0, dump.length(), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (final OvsException e) {
      throw new AssertionError(e);
    }
  }

  private static void ensureOvsRunning() {
    if (TestBed.exec(List.of("ovs-vsctl", "--timeout=3", "show"), 10).exit() != 0
        || TestBed.exec(List.of("ovs-appctl", "--timeout=3", "version"), 10).exit() != 0) {
      TestBed.run(List.of(OVS_CTL, "--system-id=random", "start"), 120);
    }
  }

  private static volatile String lastStats = "";

  private static void waitFor(
      final BooleanSupplier condition, final long timeoutMillis, final String what) {
    final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      lastStats = statsSource == null ? "" : statsSource.stats().toString();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; " + lastStats);
      }
      TestBed.sleepMillis(100);
    }
  }
}
