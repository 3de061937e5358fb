package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import score.flowtable.FlowTable;
import score.flowtable.Ipv4;

/** The poller's reactions, against a scripted switch (real OVS: OvsFlowPollerRealOvsTest). */
class OvsFlowPollerTest {
  private static final String PIPELINE =
      " cookie=0x5c0e000000000001, duration=9.0s, table=0, n_packets=1, n_bytes=1, tcp"
          + " actions=learn(...)\n"
          + " cookie=0x5c0e000000000001, duration=9.0s, table=0, n_packets=1, n_bytes=1, udp"
          + " actions=learn(...)\n"
          + " cookie=0x5c0e000000000001, duration=9.0s, table=2, n_packets=1, n_bytes=1,"
          + " priority=0 actions=NORMAL\n";

  /** Records calls and replays dumps. */
  static final class ScriptedSwitch implements OvsSwitch {
    final List<String> calls = new ArrayList<>();
    String dump = "";
    long pid = 100;
    OvsException failure;

    @Override
    public Dump dumpFlows(final String bridge) throws OvsException {
      calls.add("dump " + bridge);
      if (failure != null) {
        throw failure;
      }
      final byte[] bytes = dump.getBytes(StandardCharsets.US_ASCII);
      return new Dump(bytes, bytes.length);
    }

    @Override
    public void addFlows(final String bridge, final List<String> flows) {
      calls.add("add " + bridge + " " + flows.size());
    }

    @Override
    public void deleteFlows(final String bridge, final String match) {
      calls.add("del " + bridge + " " + match);
    }

    @Override
    public long vswitchdPid() {
      return pid;
    }
  }

  private static String flow(final long bytes, final double ageSeconds) {
    return " cookie=0x5c0e000000000002, duration="
        + ageSeconds
        + "s, table=1, n_packets="
        + bytes / 100
        + ", n_bytes="
        + bytes
        + ", idle_timeout=60, priority=100,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1,tp_dst=2"
        + " actions=drop\n";
  }

  private final ScriptedSwitch ovs = new ScriptedSwitch();
  private final FlowTable table = new FlowTable(1024, 0);
  private long now = 1_000;
  private final OvsFlowPoller poller =
      new OvsFlowPoller(ovs, "br0", CountingPipeline.defaults(), table, () -> now, false);

  private long pairBytes() {
    return table.pairsOf(Ipv4.parse("10.0.0.1"), now).get(0).bytes();
  }

  @Test
  void aBridgeWithoutThePipelineShouldGetItAndOwnIt() throws Exception {
    final PollResult result = poller.pollOnce();
    assertTrue(result.pipelineInstalled());
    assertFalse(result.countersReset());
    assertEquals(List.of("dump br0", "add br0 3"), ovs.calls);
    assertTrue(poller.removeRules());
    assertEquals("del br0 cookie=0x5c0e000000000000/0xffffffffffffff00", ovs.calls.get(2));
  }

  @Test
  void rulesSomeoneElseInstalledShouldBeLeftInPlace() throws Exception {
    ovs.dump = PIPELINE;
    assertFalse(poller.pollOnce().pipelineInstalled());
    assertFalse(poller.removeRules());
    assertEquals(List.of("dump br0"), ovs.calls);
  }

  @Test
  void aNewVswitchdShouldResetCountersOnce() throws Exception {
    ovs.dump = PIPELINE + flow(10_000, 5);
    poller.pollOnce();
    now += 1_000;
    ovs.pid = 200;
    // The restarted switch restored the rule with its age and a fresh counter above the old one.
    ovs.dump = PIPELINE + flow(12_000, 6);
    assertTrue(poller.pollOnce().countersReset());
    now += 1_000;
    ovs.dump = PIPELINE + flow(13_000, 7);
    assertFalse(poller.pollOnce().countersReset());
    assertEquals(23_000, pairBytes());
    assertEquals(1, poller.stats().countersResets());
  }

  @Test
  void vanishedRulesShouldBeReinstalledAndCountedAsAReset() throws Exception {
    ovs.dump = PIPELINE + flow(10_000, 5);
    poller.pollOnce();
    now += 1_000;
    ovs.dump = "NXST_FLOW reply (xid=0x4):\n";
    final PollResult result = poller.pollOnce();
    assertTrue(result.pipelineInstalled());
    assertTrue(result.countersReset());
    assertEquals(10_000, pairBytes(), "history survives the loss of OVS's rules");
  }

  @Test
  void garbledDumpsShouldBeCountedNotThrown() throws Exception {
    ovs.dump =
        PIPELINE
            + flow(10_000, 5)
            + " cookie=0x5c0e000000000002, duration=1.0s, tab\n"
            + "\u0000\u00ff garbage\n"
            + " cookie=0x5c0e000000000002, duration=1.0s, table=1, n_packets=1, n_bytes=1,"
            + " tcp,nw_src=10.0.0.0/8,nw_dst=10.0.0.2,tp_src=1,tp_dst=2 actions=drop\n";
    final PollResult result = poller.pollOnce();
    assertEquals(1, result.flowsObserved());
    assertEquals(3, result.malformedLines());
    assertEquals(3, poller.stats().malformedLines());
    assertEquals(10_000, pairBytes());
  }

  @Test
  void failuresShouldPropagateFromPollOnceAndBackOffWhenScheduled() {
    ovs.failure =
        new OvsException(OvsException.Kind.SWITCH_UNREACHABLE, "Open vSwitch is not running");
    assertThrows(OvsException.class, poller::pollOnce);
    final Duration second = Duration.ofSeconds(1);
    final Duration cap = Duration.ofSeconds(30);
    assertEquals(2_000, OvsFlowPollerBackoff.millis(second, cap, 1));
    assertEquals(16_000, OvsFlowPollerBackoff.millis(second, cap, 4));
    assertEquals(30_000, OvsFlowPollerBackoff.millis(second, cap, 5));
    assertEquals(30_000, OvsFlowPollerBackoff.millis(second, cap, 1_000));
  }

  @Test
  void toolComplaintsShouldBeClassified() {
    final List<String> dump = List.of("ovs-ofctl", "dump-flows", "br9");
    assertEquals(
        OvsException.Kind.BRIDGE_MISSING,
        OvsCommandLine.classify(dump, 1, "ovs-ofctl: br9 is not a bridge or a socket", "br9")
            .kind());
    assertEquals(
        OvsException.Kind.SWITCH_UNREACHABLE,
        OvsCommandLine.classify(
                dump, 1, "ovs-ofctl: /run/openvswitch/br9.mgmt: failed to open socket", "br9")
            .kind());
    final OvsException other = OvsCommandLine.classify(dump, 1, "ovs-ofctl: odd", "br9");
    assertEquals(OvsException.Kind.COMMAND_FAILED, other.kind());
    assertTrue(other.getMessage().contains("exit 1"));
  }

  @Test
  void pipelineSettingsShouldBeValidated() {
    assertThrows(
        IllegalArgumentException.class, () -> new CountingPipeline(1, 1, 2, Duration.ofSeconds(5)));
    assertThrows(
        IllegalArgumentException.class, () -> new CountingPipeline(0, 3, 2, Duration.ofSeconds(5)));
    assertThrows(
        IllegalArgumentException.class, () -> new CountingPipeline(1, 3, 2, Duration.ZERO));
    assertTrue(CountingPipeline.defaults().rules().get(0).contains("idle_timeout=60"));
  }
}
