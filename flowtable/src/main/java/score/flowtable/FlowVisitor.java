package score.flowtable;

/** Receives one flow record of a {@link FlowTable}, in primitives so nothing is allocated. */
@FunctionalInterface
public interface FlowVisitor {
  void accept(
      int srcIp,
      int dstIp,
      int protocol,
      int srcPort,
      int dstPort,
      long bytes,
      long packets,
      long startMillis,
      long lastSeenMillis);
}
