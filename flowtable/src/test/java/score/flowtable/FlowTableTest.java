package score.flowtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowTableTest {
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int A = Ipv4.parse("10.0.0.1");
  private static final int B = Ipv4.parse("10.0.0.2");
  private static final int C = Ipv4.parse("10.0.0.3");

  private final FlowTable table = new FlowTable(1024, 0);

  private void poll(final long nowMillis, final Runnable observations) {
    table.beginUpdate(nowMillis);
    try {
      observations.run();
    } finally {
      table.endUpdate();
    }
  }

  private long bytesOf(final int src, final int dst, final int srcPort) {
    final long[] found = {-1};
    table.forEachFlow(
        (s, d, proto, sp, dp, bytes, packets, start, last) -> {
          if (s == src && d == dst && sp == srcPort) {
            found[0] = bytes;
          }
        });
    return found[0];
  }

  @Test
  void repeatedCountersShouldAddOnlyTheDifference() {
    poll(1_000, () -> table.observe(A, B, TCP, 40000, 5201, 1_000, 10, 500));
    poll(2_000, () -> table.observe(A, B, TCP, 40000, 5201, 1_500, 15, 1_500));
    poll(3_000, () -> table.observe(A, B, TCP, 40000, 5201, 1_500, 15, 2_500));
    assertEquals(1_500, bytesOf(A, B, 40000));
    final List<Long> packets = new ArrayList<>();
    table.forEachFlow((s, d, p, sp, dp, bytes, pk, start, last) -> packets.add(pk));
    assertEquals(List.of(15L), packets);
  }

  @Test
  void startShouldBeWhenTheOvsRuleWasCreated() {
    poll(10_000, () -> table.observe(A, B, TCP, 40000, 5201, 1_000, 10, 4_000));
    table.forEachFlow(
        (s, d, p, sp, dp, bytes, pk, start, last) -> {
          assertEquals(6_000, start);
          assertEquals(10_000, last);
        });
  }

  @Test
  void ruleRecreatedSinceLastSeenShouldAddItsWholeCounter() {
    poll(1_000, () -> table.observe(A, B, TCP, 40000, 5201, 1_000, 10, 500));
    // The rule expired and was learned again 300 ms ago; its counter already exceeds the old one.
    poll(5_000, () -> table.observe(A, B, TCP, 40000, 5201, 2_000, 20, 300));
    assertEquals(3_000, bytesOf(A, B, 40000));
    assertEquals(1, table.stats().incarnations());
  }

  @Test
  void counterGoingDownShouldStartANewIncarnation() {
    poll(1_000, () -> table.observe(A, B, UDP, 40000, 5201, 5_000, 50, 500));
    poll(2_000, () -> table.observe(A, B, UDP, 40000, 5201, 700, 7, 1_500));
    assertEquals(5_700, bytesOf(A, B, 40000));
  }

  @Test
  void countersResetShouldCountRestoredRulesFromZero() {
    poll(1_000, () -> table.observe(A, B, TCP, 40000, 5201, 5_000, 50, 500));
    table.countersReset();
    // OVS restored the rule with its old age but counters at zero, and 6,000 bytes went by.
    poll(2_000, () -> table.observe(A, B, TCP, 40000, 5201, 6_000, 60, 1_500));
    poll(3_000, () -> table.observe(A, B, TCP, 40000, 5201, 6_100, 61, 2_500));
    assertEquals(11_100, bytesOf(A, B, 40000));
  }

  @Test
  void pairsShouldMergeBothDirectionsAndAllPorts() {
    poll(
        10_000,
        () -> {
          table.observe(A, B, TCP, 40000, 5201, 8_000, 10, 4_000);
          table.observe(B, A, TCP, 5201, 40000, 2_000, 10, 4_000);
          table.observe(A, B, UDP, 40001, 5201, 10_000, 10, 2_000);
          table.observe(C, A, UDP, 1000, 2000, 500, 1, 1_000);
        });
    final List<PairAggregate> pairs = table.pairsOf(A, 10_000);
    assertEquals(2, pairs.size());
    final PairAggregate ab = pairs.get(0);
    assertEquals(B, ab.ipB());
    assertEquals(20_000, ab.bytes());
    assertEquals(3, ab.flows());
    assertEquals(6_000, ab.windowStartMillis());
    assertEquals(5_000.0, ab.bytesPerSecond(), 1e-9);
    assertEquals(500.0, pairs.get(1).bytesPerSecond(), 1e-9);

    final List<PairAggregate> all = table.pairs(10_000);
    assertEquals(2, all.size());
    assertEquals(A, all.get(0).ipA());
    assertEquals(20_000, all.get(0).bytes());
  }

  @Test
  void consumeShouldRestartTheWindowAndDropFlowsOvsNoLongerHas() {
    poll(
        1_000,
        () -> {
          table.observe(A, B, TCP, 1, 2, 1_000, 1, 0);
          table.observe(A, C, TCP, 1, 2, 1_000, 1, 0);
        });
    // A-C's rule expired: only A-B is live now.
    poll(2_000, () -> table.observe(A, B, TCP, 1, 2, 1_500, 2, 1_000));
    assertEquals(2, table.consume(A, 2_500));
    assertEquals(1, table.size());
    assertEquals(0, bytesOf(A, B, 1));
    poll(3_000, () -> table.observe(A, B, TCP, 1, 2, 1_800, 3, 2_000));
    assertEquals(300, bytesOf(A, B, 1));
    assertEquals(2_500, table.pairsOf(A, 3_000).get(0).windowStartMillis());
  }

  @Test
  void expiredFlowsShouldKeepTheirHistoryUntilConsumed() {
    poll(1_000, () -> table.observe(A, B, TCP, 1, 2, 1_000, 1, 0));
    for (long now = 2_000; now < 100_000; now += 1_000) {
      poll(now, () -> {});
    }
    assertEquals(1_000, table.pairsOf(B, 100_000).get(0).bytes());
  }

  @Test
  void fullTableShouldEvictTheFlowsSeenLongestAgo() {
    final FlowTable small = new FlowTable(64, 0);
    for (int i = 0; i < 64; i++) {
      final int port = i;
      small.beginUpdate(1_000L * (i + 1));
      small.observe(A, B, TCP, port, 80, 100, 1, 0);
      small.endUpdate();
    }
    small.beginUpdate(100_000);
    small.observe(A, C, TCP, 1_000, 80, 100, 1, 0);
    small.endUpdate();
    final FlowTableStats stats = small.stats();
    assertEquals(4, stats.evictions());
    assertEquals(61, stats.flows());
    final List<Integer> ports = new ArrayList<>();
    small.forEachFlow((s, d, p, sp, dp, b, pk, st, l) -> ports.add(sp));
    for (int evicted = 0; evicted < 4; evicted++) {
      assertTrue(!ports.contains(evicted), "port " + evicted + " should have been evicted");
    }
  }

  @Test
  void consumedAndExpiredFlowsShouldBeDroppedBeforeAnyEviction() {
    final FlowTable small = new FlowTable(16, 0);
    small.beginUpdate(1_000);
    for (int port = 0; port < 16; port++) {
      small.observe(port == 0 ? C : A, B, TCP, port, 80, 100, 1, 0);
    }
    small.endUpdate();
    small.beginUpdate(2_000);
    for (int port = 1; port < 16; port++) {
      small.observe(A, B, TCP, port, 80, 100, 1, 0);
    }
    small.endUpdate();
    small.consume(B, 2_500);
    // Every flow touches B, was consumed; port 0 expired and is gone already.
    assertEquals(15, small.size());
    small.beginUpdate(3_000);
    small.observe(C, A, UDP, 9, 9, 100, 1, 0);
    small.endUpdate();
    assertEquals(0, small.stats().evictions());
  }

  @Test
  void sourceMacsShouldBeKeptPerIp() {
    poll(1_000, () -> table.observeSourceMac(A, 0x0200_0000_0001L));
    assertEquals(0x0200_0000_0001L, table.sourceMac(A));
    assertEquals(-1, table.sourceMac(B));
    assertEquals("02:00:00:00:00:01", Ipv4.formatMac(table.sourceMac(A)));
  }

  @Test
  void misuseShouldBeRefusedLoudly() {
    assertThrows(IllegalStateException.class, () -> table.observe(A, B, TCP, 1, 2, 100, 1, 0));
    table.beginUpdate(1_000);
    assertThrows(IllegalArgumentException.class, () -> table.observe(A, B, 300, 1, 2, 1, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> table.observe(A, B, TCP, 70_000, 2, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> table.observe(A, B, TCP, 1, 2, -1, 1, 0));
    table.endUpdate();
    assertThrows(IllegalArgumentException.class, () -> new FlowTable(1, 0));
    assertThrows(IllegalArgumentException.class, () -> table.beginUpdate(-5_000));
  }

  @Test
  void manyInsertsAndRemovalsShouldKeepEveryRecordFindable() {
    final FlowTable big = new FlowTable(200_000, 0);
    big.beginUpdate(1_000);
    for (int i = 0; i < 100_000; i++) {
      big.observe(i % 997, (1 << 30) + i, TCP, i & 0xFFFF, 80, i, 1, 0);
    }
    big.endUpdate();
    big.beginUpdate(2_000);
    for (int i = 0; i < 100_000; i += 2) {
      big.observe(i % 997, (1 << 30) + i, TCP, i & 0xFFFF, 80, i + 10, 2, 1_000);
    }
    big.endUpdate();
    for (int ip = 0; ip < 997; ip += 3) {
      big.consume(ip, 2_500);
    }
    final long[] total = {0, 0};
    big.forEachFlow(
        (s, d, p, sp, dp, bytes, pk, st, l) -> {
          total[0] += bytes;
          total[1]++;
        });
    long expectedBytes = 0;
    long expectedFlows = 0;
    for (int i = 0; i < 100_000; i++) {
      final boolean consumed = (i % 997) % 3 == 0;
      final boolean live = i % 2 == 0;
      if (!consumed) {
        expectedBytes += live ? i + 10 : i;
        expectedFlows++;
      } else if (live) {
        expectedFlows++;
      }
    }
    assertEquals(expectedFlows, total[1]);
    assertEquals(expectedBytes, total[0]);
    assertEquals(expectedFlows, big.size());
  }

  @Test
  void ipv4ShouldRoundTripAndRejectGarbage() {
    assertEquals("192.168.1.254", Ipv4.format(Ipv4.parse("192.168.1.254")));
    assertEquals(0xFFFF_FFFF, Ipv4.parse("255.255.255.255"));
    for (final String bad : List.of("", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d")) {
      assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(bad), bad);
    }
  }
}
