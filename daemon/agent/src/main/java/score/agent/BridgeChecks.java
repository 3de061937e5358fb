package score.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.OperatorRules;
import score.agent.ovs.OvsCommandLine;
import score.agent.ovs.OvsException;
import score.core.decision.Topology;

/**
 * What the host's parts check and read before they start: the bridge (OVS answers, it exists, the
 * operator's rules stay in force), its MAC, this member's IPv4 address, and the tree of the
 * members; each failure says what the operator should do.
 */
final class BridgeChecks {
  private BridgeChecks() {}

  /**
   * The counting pipeline this bridge gets, after checking that OVS answers, the bridge exists and
   * the agent would not change how the operator's rules forward or drop packets.
   */
  static CountingPipeline checkBridge(final OvsCommandLine ovs, final AgentConfig config)
      throws HostParts.StartException {
    final String bridge = config.ovs().bridge();
    try {
      if (!ovs.bridgeExists(bridge)) {
        throw new HostParts.StartException(
            "Open vSwitch has no bridge '"
                + bridge
                + "': create it (ovs-vsctl add-br "
                + bridge
                + ") or set ovs.bridge in "
                + config.file(),
            null);
      }
      final List<String> own = OperatorRules.inTable(ovs.dumpFlows(bridge), 0);
      if (!own.isEmpty()) {
        throw new HostParts.StartException(
            "bridge "
                + bridge
                + " has "
                + own.size()
                + " OpenFlow rule(s) of its own in table 0 (first: "
                + own.get(0)
                + "); the agent counts in table 0 at priority "
                + CountingPipeline.ENTRY_PRIORITY
                + " and would run before them, changing how packets are forwarded or dropped:"
                + " move them to a table of their own (4..254) and set ovs.pipeline-table to it"
                + " in "
                + config.file()
                + " (the agent then hands every packet on to that table)",
            null);
      }
    } catch (final OvsException e) {
      throw new HostParts.StartException(
          "Open vSwitch does not answer ("
              + e.getMessage()
              + "): start it (systemctl start openvswitch-switch)",
          e);
    }
    final Duration idle = CountingPipeline.defaults().learnedIdleTimeout();
    return config
        .ovs()
        .pipelineTable()
        .map(table -> CountingPipeline.inFrontOf(table, idle))
        .orElse(CountingPipeline.defaults());
  }

  /**
   * The tree of the members: rack and pod from agent.yaml (a member without a rack is alone in its
   * own; pods add a third level). Indexed by host id; ids no member has stand alone.
   */
  static Topology topology(final AgentConfig config) {
    final ClusterConfig cluster = config.cluster();
    int maxId = 0;
    for (final int id : cluster.hosts().keySet()) {
      maxId = Math.max(maxId, id);
    }
    final boolean pods = !config.pods().isEmpty();
    final String[][] paths = new String[maxId + 1][];
    for (int id = 0; id <= maxId; id++) {
      final boolean member = cluster.hosts().containsKey(id);
      final String rack = member ? cluster.racks().getOrDefault(id, "host-" + id) : "unused-" + id;
      if (pods) {
        final String pod = member ? config.pods().getOrDefault(id, "pod-" + rack) : "unused-" + id;
        paths[id] = new String[] {rack, pod};
      } else {
        paths[id] = new String[] {rack};
      }
    }
    return Topology.fromPaths(paths);
  }

  static String bridgeMac(final String bridge) throws HostParts.StartException {
    try {
      return Files.readString(Path.of("/sys/class/net", bridge, "address")).strip();
    } catch (final IOException e) {
      throw new HostParts.StartException(
          "bridge " + bridge + " has no network interface here: " + e.getMessage(), e);
    }
  }

  static int ipv4Of(final InetSocketAddress address) throws HostParts.StartException {
    final InetAddress resolved =
        address.isUnresolved()
            ? new InetSocketAddress(address.getHostString(), address.getPort()).getAddress()
            : address.getAddress();
    if (resolved == null || resolved.getAddress().length != 4) {
      throw new HostParts.StartException(
          "this host's member address " + address + " is not an IPv4 address", null);
    }
    return ByteBuffer.wrap(resolved.getAddress()).getInt();
  }

  static long macBits(final String mac) {
    try {
      return Long.parseLong(mac.replace(":", ""), 16);
    } catch (final NumberFormatException e) {
      return -2;
    }
  }
}
