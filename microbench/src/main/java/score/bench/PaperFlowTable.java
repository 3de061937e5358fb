package score.bench;

import java.util.HashMap;

/**
 * The baseline: S-CORE's flow table as its paper describes it (section III-C), written plainly with
 * {@link HashMap}s. The root is keyed by source IP and holds the source's MAC and a hash table of
 * its flows; a second structure is keyed by destination IP. Counters follow the same rules as
 * {@link score.flowtable.FlowTable} (deltas of OVS's cumulative counters), so both do the same work
 * per update.
 */
final class PaperFlowTable {
  record FlowKey(int peerIp, int protocol, int srcPort, int dstPort) {}

  static final class FlowData {
    long bytes;
    long packets;
    long counterBytes;
    long counterPackets;
    long startMillis;
    long lastSeenMillis;
  }

  static final class SourceEntry {
    long mac = -1;
    final HashMap<FlowKey, FlowData> flows = new HashMap<>();
  }

  private final HashMap<Integer, SourceEntry> bySource = new HashMap<>();
  private final HashMap<Integer, HashMap<FlowKey, FlowData>> byDestination = new HashMap<>();

  void observe(
      final int srcIp,
      final int dstIp,
      final int protocol,
      final int srcPort,
      final int dstPort,
      final long counterBytes,
      final long counterPackets,
      final long ruleAgeMillis,
      final long nowMillis) {
    final SourceEntry source = bySource.computeIfAbsent(srcIp, ip -> new SourceEntry());
    final FlowData flow = source.flows.get(new FlowKey(dstIp, protocol, srcPort, dstPort));
    if (flow != null) {
      final boolean newIncarnation =
          counterBytes < flow.counterBytes || ruleAgeMillis + 200 < nowMillis - flow.lastSeenMillis;
      flow.bytes += newIncarnation ? counterBytes : counterBytes - flow.counterBytes;
      flow.packets += newIncarnation ? counterPackets : counterPackets - flow.counterPackets;
      flow.counterBytes = counterBytes;
      flow.counterPackets = counterPackets;
      flow.lastSeenMillis = nowMillis;
      return;
    }
    final FlowData created = new FlowData();
    created.bytes = counterBytes;
    created.packets = counterPackets;
    created.counterBytes = counterBytes;
    created.counterPackets = counterPackets;
    created.startMillis = nowMillis - ruleAgeMillis;
    created.lastSeenMillis = nowMillis;
    source.flows.put(new FlowKey(dstIp, protocol, srcPort, dstPort), created);
    byDestination
        .computeIfAbsent(dstIp, ip -> new HashMap<>())
        .put(new FlowKey(srcIp, protocol, srcPort, dstPort), created);
  }

  void observeSourceMac(final int ip, final long mac) {
    bySource.computeIfAbsent(ip, key -> new SourceEntry()).mac = mac;
  }

  int size() {
    int flows = 0;
    for (final SourceEntry source : bySource.values()) {
      flows += source.flows.size();
    }
    return flows;
  }
}
