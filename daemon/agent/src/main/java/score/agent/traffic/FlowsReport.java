package score.agent.traffic;

import java.util.ArrayList;
import java.util.List;
import score.flowtable.FlowTable;
import score.flowtable.Ipv4;
import score.flowtable.PairAggregate;

/**
 * What {@code score flows} shows of a flow table, whether the CLI polled the bridge itself or asked
 * the running agent for its table: every pair of IPs with its bytes on the wire (both directions
 * merged) over its window and the rate.
 */
public record FlowsReport(
    String bridge, int flows, long polls, long malformedLines, List<Pair> pairs) {

  /** λ(a, b) as printed: bytes on the wire in both directions since the window start. */
  public record Pair(
      String a,
      String b,
      String macA,
      String macB,
      long bytes,
      long packets,
      int flows,
      long bytesPerSecond,
      double windowSeconds) {}

  public FlowsReport {
    pairs = List.copyOf(pairs);
  }

  /** The table's pairs at {@code nowMillis} (on the table's clock). */
  public static FlowsReport of(
      final String bridge,
      final FlowTable table,
      final long polls,
      final long malformedLines,
      final long nowMillis) {
    final List<Pair> pairs = new ArrayList<>();
    for (final PairAggregate pair : table.pairs(nowMillis)) {
      pairs.add(
          new Pair(
              Ipv4.format(pair.ipA()),
              Ipv4.format(pair.ipB()),
              mac(table.sourceMac(pair.ipA())),
              mac(table.sourceMac(pair.ipB())),
              pair.bytes(),
              pair.packets(),
              pair.flows(),
              Math.round(pair.bytesPerSecond()),
              (nowMillis - pair.windowStartMillis()) / 1000.0));
    }
    return new FlowsReport(bridge, table.size(), polls, malformedLines, pairs);
  }

  private static String mac(final long mac) {
    return mac < 0 ? null : Ipv4.formatMac(mac);
  }
}
