package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import score.protocol.TokenPolicy;

class TokenOrderTest {
  // VM ids as unsigned IPv4 addresses: 10.0.0.30, 10.0.0.10, 192.168.0.1 (negative as int),
  // 10.0.0.20.
  private static final int[] IDS = {0x0A00001E, 0x0A00000A, 0xC0A80001, 0x0A000014};
  private static final byte[] ENTRIES = {
    TokenEntry.pack(2, 1_000),
    TokenEntry.pack(4, 10),
    TokenEntry.pack(4, 1e6),
    TokenEntry.pack(2, 1_000)
  };

  @Test
  void roundRobinShouldVisitAscendingIds() {
    assertArrayEquals(
        new int[] {1, 3, 0, 2}, TokenOrder.order(TokenPolicy.ROUND_ROBIN, IDS, ENTRIES));
  }

  @Test
  void distributedShouldVisitTheHighestLevelFirstThenAscendingIds() {
    assertArrayEquals(
        new int[] {1, 2, 3, 0}, TokenOrder.order(TokenPolicy.DISTRIBUTED, IDS, ENTRIES));
  }

  @Test
  void loadAwareShouldBreakLevelTiesByLoad() {
    assertArrayEquals(
        new int[] {2, 1, 3, 0}, TokenOrder.order(TokenPolicy.LOAD_AWARE, IDS, ENTRIES));
  }

  @Test
  void globalShouldVisitTheHighestPairCostFirstThenAscendingIds() {
    final byte[] pairCosts = {
      TokenEntry.packPairCost(5e3),
      TokenEntry.packPairCost(0),
      TokenEntry.packPairCost(1e3),
      TokenEntry.packPairCost(9e6)
    };
    assertArrayEquals(new int[] {3, 0, 2, 1}, TokenOrder.order(TokenPolicy.GLOBAL, IDS, pairCosts));
  }

  @Test
  void pairCostEntriesShouldGrowWithTheCostAndSeparateAQuarterOctave() {
    assertEquals(0, TokenEntry.packPairCost(0));
    assertEquals(0, TokenEntry.packPairCost(Double.NaN));
    assertEquals(1, TokenEntry.packPairCost(1));
    assertEquals(5, TokenEntry.packPairCost(2));
    assertEquals(
        (byte) 255, TokenEntry.packPairCost(Double.MAX_VALUE), "the top bucket, never wrapped");
    int previous = 0;
    for (double cost = 1; cost < 1e18; cost *= 1.2) {
      final int bucket = TokenEntry.packPairCost(cost) & 0xFF;
      assertTrue(bucket >= previous, "monotonic at " + cost);
      previous = bucket;
    }
    assertTrue(
        (TokenEntry.packPairCost(1.2e6) & 0xFF) > (TokenEntry.packPairCost(1e6) & 0xFF),
        "a fifth more cost orders first");
  }

  @Test
  void entriesShouldPackLevelAndLogLoad() {
    final byte entry = TokenEntry.pack(3, 1_500_000);
    assertEquals(3, TokenEntry.level(entry));
    assertEquals(20, TokenEntry.loadBucket(entry)); // 2^20 <= 1.5e6 < 2^21
    assertEquals(0, TokenEntry.loadBucket(TokenEntry.pack(1, 0)));
    assertEquals(31, TokenEntry.loadBucket(TokenEntry.pack(1, 1e12)));
    assertEquals(7, TokenEntry.level(TokenEntry.pack(9, 1)));
  }
}
