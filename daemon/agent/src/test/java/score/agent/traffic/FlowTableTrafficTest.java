package score.agent.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import score.core.decision.NeighbourTraffic;
import score.flowtable.FlowTable;

/**
 * λ(z, u) from a real flow table through the poller's snapshots: both directions merged, per
 * neighbour, consumed after use by a message the poller applies.
 */
class FlowTableTrafficTest {
  private static final int U = 0x0A000001;
  private static final int B = 0x0A000002;
  private static final int C = 0x0A000003;

  @Test
  void neighboursShouldMergeBothDirectionsAndStartAfreshOnceConsumed() {
    final long[] now = {0};
    final FlowTable table = new FlowTable(1024, 0);
    table.beginUpdate(0);
    table.observe(U, B, 6, 40000, 80, 0, 0, 0);
    table.observe(B, U, 6, 80, 40000, 0, 0, 0);
    table.observe(C, U, 17, 5000, 9000, 0, 0, 0);
    table.observe(B, C, 17, 1, 2, 0, 0, 0);
    table.endUpdate();
    now[0] = 10_000;
    table.beginUpdate(10_000);
    table.observe(U, B, 6, 40000, 80, 60_000, 60, 10_000);
    table.observe(B, U, 6, 80, 40000, 40_000, 40, 10_000);
    table.observe(C, U, 17, 5000, 9000, 20_000, 20, 10_000);
    table.observe(B, C, 17, 1, 2, 99_000, 99, 10_000);
    table.endUpdate();
    final TrafficSnapshots snapshots = new TrafficSnapshots(table, () -> now[0]);
    snapshots.publish();
    final FlowTableTraffic traffic = new FlowTableTraffic(snapshots);
    final Map<Integer, Double> rates = rates(traffic.neighboursOf(U));
    assertEquals(2, rates.size(), rates.toString());
    assertEquals(10_000, rates.get(B), 1e-9, "100,000 bytes both ways over 10 s");
    assertEquals(2_000, rates.get(C), 1e-9);
    traffic.consume(U);
    assertEquals(
        10_000,
        rates(traffic.neighboursOf(U)).get(B),
        1e-9,
        "a message: the table waits for the poll");
    now[0] = 11_000;
    snapshots.applyConsumed(); // the poller's thread, before its next poll
    snapshots.publish(); // and after it
    final Map<Integer, Double> after = rates(traffic.neighboursOf(U));
    assertEquals(0, after.getOrDefault(B, 0.0), 1e-9, "consumed: a new window");
    assertEquals(rates(traffic.neighboursOf(B)).get(C) > 0, true, "B-C untouched");
  }

  private static Map<Integer, Double> rates(final NeighbourTraffic traffic) {
    final Map<Integer, Double> rates = new HashMap<>();
    for (int k = 0; k < traffic.count(); k++) {
      rates.put(traffic.vm(k), traffic.bytesPerSecond(k));
    }
    return rates;
  }
}
