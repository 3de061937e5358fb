package score.agent.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.testbed.DataCentreBed;

/**
 * Location probes on real switches: a datagram from host h1 to a guest's address on the agents'
 * port reaches the guest until h2 steers it, then h2's own network stack instead (and the guest no
 * longer), and the guest again once the rule is gone.
 */
@Tag("libvirt")
class LocationSteeringTest {
  private static final int PORT = 7499;
  private static final int GUEST = (10 << 24) | (210 << 16) | (1 << 8) | 5;
  private static final Pattern RECEIVED = Pattern.compile("recv=(\\d+)");
  private static DataCentreBed bed;
  private static Path log;

  @BeforeAll
  static void up() throws Exception {
    bed = DataCentreBed.up(2, 1);
    log = bed.startGuest(2, "probed", "10.210.1.5", "tb.port=" + PORT);
    DataCentreBed.awaitHeartbeat(log, 2);
  }

  @AfterAll
  static void down() {
    if (bed != null) {
      bed.close();
    }
  }

  private static long guestReceived() throws Exception {
    final Matcher matcher = RECEIVED.matcher(DataCentreBed.lastHeartbeat(log));
    assertTrue(matcher.find(), "heartbeat with recv=: " + log);
    return Long.parseLong(matcher.group(1));
  }

  private static void probeFromHostOne(final int count) {
    bed.exec(
        1,
        List.of(
            "bash",
            "-c",
            "for i in $(seq 1 "
                + count
                + "); do echo probe > /dev/udp/10.210.1.5/"
                + PORT
                + "; done"),
        10);
  }

  /** Waits for two more heartbeats, so the guest has printed what it received meanwhile. */
  private static void settle() throws Exception {
    DataCentreBed.awaitHeartbeat(log, DataCentreBed.heartbeat(log).orElseThrow().sequence() + 2);
  }

  private static String dump(final OvsCommandLine ovs, final String bridge) throws OvsException {
    final OvsSwitch.Dump dump = ovs.dumpFlows(bridge);
    return new String(dump.bytes(), 0, dump.length(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void probesShouldReachTheHostOnlyWhileTheRuleIsThere() throws Exception {
    final String mac =
        bed.exec(2, List.of("cat", "/sys/class/net/br0/address"), 10).output().strip();
    final String bridge = "unix:/run/score-testbed/h2/root/run/openvswitch/br0.mgmt";
    try (OvsCommandLine ovs = new OvsCommandLine()) {
      final LocationSteering steering =
          new LocationSteering(ovs, bridge, PORT, mac, (10 << 24) | (210 << 16) | 2);
      final long before = guestReceived();
      probeFromHostOne(3);
      settle();
      assertTrue(guestReceived() >= before + 3, "without the rule the guest gets the probes");

      steering.sync(Set.of(GUEST));
      assertEquals(Set.of(GUEST), steering.steered());
      final long guestBefore = guestReceived();
      final long hostBefore = bed.udpNoPorts(2);
      probeFromHostOne(3);
      settle();
      assertEquals(guestBefore, guestReceived(), "steered away from the guest");
      assertTrue(bed.udpNoPorts(2) >= hostBefore + 3, "delivered to h2's own stack");
      final String rules =
          new String(ovs.dumpFlows(bridge).bytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(rules.contains("cookie=0x5c0e000000000004"), rules);
      assertTrue(rules.contains("n_packets=3"), "the rule counted the three probes: " + rules);

      steering.sync(Set.of());
      final String after =
          new String(ovs.dumpFlows(bridge).bytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertFalse(after.contains("cookie=0x5c0e000000000004"), after);
      final long guestAgain = guestReceived();
      probeFromHostOne(3);
      settle();
      assertTrue(guestReceived() >= guestAgain + 3, "the guest gets them again");
      steering.clear();
    }
  }
}
