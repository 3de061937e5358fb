package score.bench;

/**
 * The flows a flow-table benchmark inserts, as the S-CORE paper's section IV-D defines them: {@code
 * GROUPED} is its "type 2" (groups of 1,000 flows share a source IP, as when a host's VMs each hold
 * many connections), {@code UNIQUE_SOURCES} its "type 1" (every flow from another IP).
 */
enum FlowSet {
  GROUPED,
  UNIQUE_SOURCES;

  static final int FLOWS_PER_SOURCE = 1_000;

  int srcIp(final int flow) {
    return this == GROUPED ? 0x0A00_0000 | (flow / FLOWS_PER_SOURCE) : 0x0A00_0000 | flow;
  }

  int dstIp(final int flow) {
    return 0x0B00_0000 | (flow * 7919 & 0xFF_FFFF);
  }

  int protocol(final int flow) {
    return (flow & 3) == 0 ? 17 : 6;
  }

  int srcPort(final int flow) {
    return 1024 + (flow % 50_000);
  }

  int dstPort(final int flow) {
    return 80 + (flow / 50_000);
  }

  /** Receives the flows of a set, and the MAC of each new source IP. */
  interface Filler {
    void flow(int srcIp, int dstIp, int protocol, int srcPort, int dstPort);

    void sourceMac(int ip, long mac);
  }

  /** Hands the first {@code flows} flows of this set to {@code filler}, in order. */
  void fill(final int flows, final Filler filler) {
    for (int flow = 0; flow < flows; flow++) {
      filler.flow(srcIp(flow), dstIp(flow), protocol(flow), srcPort(flow), dstPort(flow));
      if (flow == 0 || srcIp(flow) != srcIp(flow - 1)) {
        filler.sourceMac(srcIp(flow), 0x0200_0000_0000L | flow);
      }
    }
  }
}
