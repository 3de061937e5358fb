package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        new int[] {1, 3, 0, 2}, TokenOrder.order(TokenPolicy.ROUND_ROBIN, IDS, ENTRIES, null));
  }

  @Test
  void distributedShouldVisitTheHighestLevelFirstThenAscendingIds() {
    assertArrayEquals(
        new int[] {1, 2, 3, 0}, TokenOrder.order(TokenPolicy.DISTRIBUTED, IDS, ENTRIES, null));
  }

  @Test
  void loadAwareShouldBreakLevelTiesByLoad() {
    assertArrayEquals(
        new int[] {2, 1, 3, 0}, TokenOrder.order(TokenPolicy.LOAD_AWARE, IDS, ENTRIES, null));
  }

  @Test
  void globalShouldVisitTheHighestReductionFirst() {
    assertArrayEquals(
        new int[] {3, 0, 2, 1},
        TokenOrder.order(TokenPolicy.GLOBAL, IDS, ENTRIES, new double[] {5, 0, 1, 9}));
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
