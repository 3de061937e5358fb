package score.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import score.testbed.DataCentreBed;
import score.testbed.TestBed;

/**
 * {@code score agent} on a real host of the test bed when the host is not as it should be: Open
 * vSwitch or libvirtd not running (the agent says what to start and exits 1), and a bridge with an
 * operator's ACL rule: in table 0 the agent refuses (its counting rules would run first), in the
 * table named by {@code ovs.pipeline-table} the agent counts in front of it and the rule still
 * drops what it dropped.
 */
@Tag("libvirt")
class AgentStartupTest {
  private static DataCentreBed bed;
  private final List<Process> agents = new ArrayList<>();

  @BeforeAll
  static void up() {
    bed = DataCentreBed.up(2, 1);
  }

  @AfterAll
  static void down() {
    if (bed != null) {
      bed.close();
    }
  }

  @AfterEach
  void stopAgentsAndRepair() throws Exception {
    for (final Process agent : agents) {
      ScoreProcess.stop(agent);
    }
    agents.clear();
    bed.exec(2, List.of("ovs-ofctl", "del-flows", "br0"), 10);
    bed.exec(2, List.of("ovs-ofctl", "add-flow", "br0", "priority=0,actions=NORMAL"), 10);
    if (TestBed.exec(List.of("virsh", "-c", bed.uri(2), "version"), 10).exit() != 0) {
      TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "libvirtd", "2", "start"), 60);
    }
  }

  private static Path config(final Path dir, final String extra) throws IOException {
    return Files.writeString(
        dir.resolve("agent.yaml"), Files.readString(bed.clusterFile()) + extra);
  }

  /** {@code score agent} as host h2, inside its namespaces. */
  private Process agent(final Path dir, final Path config, final Map<String, String> env)
      throws IOException {
    final Process process =
        ScoreProcess.onHost(
            2,
            dir.resolve("agent.log"),
            env,
            "agent",
            "--config",
            config.toString(),
            "--host",
            "h2",
            "--control",
            dir.resolve("h2.sock").toString());
    agents.add(process);
    return process;
  }

  /** Runs the agent until it exits (it must, within a minute); returns its exit code. */
  private int exitOf(final Process agent) throws InterruptedException {
    assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent should have refused to start");
    return agent.exitValue();
  }

  @Test
  void withoutOpenVswitchTheAgentShouldSayToStartIt(@TempDir final Path dir) throws Exception {
    // An OVS run directory without its sockets: what the tools see when OVS is not running.
    final Path empty = Files.createDirectories(dir.resolve("no-ovs"));
    final Process agent = agent(dir, config(dir, ""), Map.of("OVS_RUNDIR", empty.toString()));
    assertEquals(1, exitOf(agent));
    final String log = Files.readString(dir.resolve("agent.log"));
    assertTrue(log.contains("Open vSwitch does not answer"), log);
    assertTrue(log.contains("systemctl start openvswitch-switch"), log);
  }

  @Test
  void withoutLibvirtdTheAgentShouldSayToStartIt(@TempDir final Path dir) throws Exception {
    TestBed.run(List.of(TestBed.script("testbed.sh").toString(), "libvirtd", "2", "stop"), 60);
    final Process agent = agent(dir, config(dir, ""), Map.of());
    assertEquals(1, exitOf(agent));
    final String log = Files.readString(dir.resolve("agent.log"));
    assertTrue(log.contains("libvirtd does not answer at " + bed.uri(2)), log);
    assertTrue(log.contains("start it"), log);
    assertEquals(
        "",
        dump().lines().filter(l -> l.contains("cookie=0x5c0e")).findFirst().orElse(""),
        "nothing of the agent's left on the bridge");
  }

  @Test
  void anAclRuleInTableZeroShouldMakeTheAgentRefuseAndStayInForce(@TempDir final Path dir)
      throws Exception {
    bed.exec(
        2,
        List.of("ovs-ofctl", "add-flow", "br0", "table=0,priority=50,udp,tp_dst=9999,actions=drop"),
        10);
    final Process agent = agent(dir, config(dir, ""), Map.of());
    assertEquals(1, exitOf(agent));
    final String log = Files.readString(dir.resolve("agent.log"));
    assertTrue(log.contains("rule(s) of its own in table 0"), log);
    assertTrue(log.contains("tp_dst=9999"), "names the rule: " + log);
    assertTrue(log.contains("ovs.pipeline-table"), "says what to do: " + log);
    assertEquals(0, delivered(9999), "the ACL still drops");
    assertEquals(20, delivered(9998), "and passes the rest");
  }

  @Test
  void anAclRuleInThePipelineTableShouldHoldWithTheAgentCounting(@TempDir final Path dir)
      throws Exception {
    bed.exec(2, List.of("ovs-ofctl", "del-flows", "br0"), 10);
    for (final String rule :
        List.of(
            "table=5,priority=50,udp,tp_dst=9999,actions=drop",
            "table=5,priority=0,actions=NORMAL")) {
      bed.exec(2, List.of("ovs-ofctl", "add-flow", "br0", rule), 10);
    }
    // What a SIGKILLed agent leaves behind: a steering rule for a VM that has left since.
    final String stale =
        new score.agent.ovs.LocationSteering(
                new score.agent.ovs.OvsCommandLine(Duration.ofSeconds(5)),
                "br0",
                9410,
                "02:00:00:00:00:02",
                score.flowtable.Ipv4.parse("10.210.0.2"))
            .rule(score.flowtable.Ipv4.parse("10.210.99.99"));
    bed.exec(2, List.of("ovs-ofctl", "add-flow", "br0", stale), 10);
    assertTrue(dump().contains("10.210.99.99"), dump());
    final Process agent = agent(dir, config(dir, "ovs: {pipeline-table: 5}\n"), Map.of());
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!dump().contains("resubmit(,5)") || dump().contains("10.210.99.99")) {
      assertTrue(agent.isAlive(), Files.readString(dir.resolve("agent.log")));
      assertTrue(
          System.nanoTime() < deadline,
          "counting rules never came or the stale steering rule stayed: " + dump());
      TestBed.sleepMillis(200);
    }
    assertEquals(0, delivered(9999), "the ACL still drops, behind the agent's counting");
    assertEquals(20, delivered(9998), "and passes the rest");
    // Counted in front of the operator's table: the learned rule of the dropped flow exists too.
    final long learnDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (dump().lines().noneMatch(l -> l.contains("table=1,") && l.contains("tp_dst=9999"))) {
      assertTrue(System.nanoTime() < learnDeadline, "no counting rule learned: " + dump());
      TestBed.sleepMillis(200);
    }
    assertTrue(agent.isAlive(), Files.readString(dir.resolve("agent.log")));
  }

  private static String dump() {
    return bed.exec(2, List.of("ovs-ofctl", "dump-flows", "br0"), 10).output();
  }

  /**
   * Sends 20 datagrams from h2 to h1's port {@code port} (nobody listens there) and returns how
   * many reached h1's stack (its Udp NoPorts counter).
   */
  private static long delivered(final int port) {
    final long before = bed.udpNoPorts(1);
    bed.exec(
        2,
        List.of(
            "bash",
            "-c",
            "for i in $(seq 1 20); do echo x > /dev/udp/10.210.0.1/" + port + "; done"),
        20);
    // Delivery takes a moment through the userspace datapaths: poll until it stops changing.
    long last = -1;
    long now = bed.udpNoPorts(1) - before;
    final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((now != last || now == 0) && System.nanoTime() < deadline && now < 20) {
      TestBed.sleepMillis(300);
      last = now;
      now = bed.udpNoPorts(1) - before;
    }
    return now;
  }
}
