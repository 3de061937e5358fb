package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LocationCacheTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long START = Long.MAX_VALUE - SECOND; // expiry lies past the wrap

  @Test
  void answersShouldBeKeptForAWhileAndDroppedWhenAMigrationIsAnnounced() {
    final LocationCache cache = new LocationCache(5 * SECOND, 100);
    cache.found(7, 3, START);
    assertEquals(3, cache.hostOf(7, START + 4 * SECOND));
    assertEquals(VmLocator.UNKNOWN, cache.hostOf(7, START + 5 * SECOND), "expired");
    cache.found(7, 3, START);
    cache.migrating(7);
    assertEquals(VmLocator.UNKNOWN, cache.hostOf(7, START), "a migration makes it stale");
    cache.found(7, 4, START);
    assertEquals(4, cache.hostOf(7, START), "a new answer");
  }

  @Test
  void theOldestAnswersShouldGoBeyondTheBound() {
    final LocationCache cache = new LocationCache(5 * SECOND, 3);
    for (int vm = 1; vm <= 5; vm++) {
      cache.found(vm, vm + 10, START);
    }
    assertEquals(3, cache.size());
    assertEquals(VmLocator.UNKNOWN, cache.hostOf(1, START));
    assertEquals(VmLocator.UNKNOWN, cache.hostOf(2, START));
    assertEquals(15, cache.hostOf(5, START));
    cache.found(5, 16, START); // an update keeps its place and takes the new host
    assertEquals(16, cache.hostOf(5, START));
    assertEquals(3, cache.size());
  }
}
