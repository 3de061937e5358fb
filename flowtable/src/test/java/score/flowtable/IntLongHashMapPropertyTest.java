package score.flowtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IntLongHashMapPropertyTest {

  /** Small key ranges force long probe chains, collisions and chain compaction on removal. */
  @Property(tries = 500)
  void shouldBehaveLikeAHashMap(
      @ForAll @Size(max = 400) final List<@IntRange(min = -40, max = 40) Integer> operations) {
    final IntLongHashMap map = new IntLongHashMap(Long.MIN_VALUE);
    final Map<Integer, Long> model = new HashMap<>();
    long value = 0;
    for (final int operation : operations) {
      final int key = operation / 2;
      if (operation % 2 == 0) {
        value++;
        assertEquals(
            model.getOrDefault(key, Long.MIN_VALUE).longValue(), map.put(key * 1_000_003, value));
        model.put(key, value);
      } else {
        assertEquals(
            model.getOrDefault(key, Long.MIN_VALUE).longValue(), map.remove(key * 1_000_003));
        model.remove(key);
      }
      assertEquals(model.size(), map.size());
      for (int probe = -20; probe <= 20; probe++) {
        assertEquals(
            model.getOrDefault(probe, Long.MIN_VALUE).longValue(), map.get(probe * 1_000_003));
      }
    }
  }

  @Test
  void storingTheMissingValueShouldBeRefused() {
    final IntLongHashMap map = new IntLongHashMap(-1);
    assertThrows(IllegalArgumentException.class, () -> map.put(1, -1));
  }
}
