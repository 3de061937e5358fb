package score.flowtable;

import java.util.Arrays;

/**
 * Open-addressing map from {@code int} to {@code long} without boxing: keys and values in two
 * primitive arrays sized to a power of two, linear probing, deletion by compacting the probe chain
 * (no tombstones). Not thread-safe; {@link FlowTable} guards it with its own lock.
 */
public final class IntLongHashMap {
  private static final float MAX_LOAD_FACTOR = 0.6f;
  private static final int INITIAL_ENTRIES = 16;

  private final long missingValue;
  private int[] keys;
  private long[] values;
  private boolean[] used;
  private int size;
  private int resizeThreshold;

  /**
   * @param missingValue what {@link #get} returns for an absent key; storing it is refused
   */
  public IntLongHashMap(final long missingValue) {
    this.missingValue = missingValue;
    allocate(Hashing.capacityFor(INITIAL_ENTRIES, MAX_LOAD_FACTOR));
  }

  private void allocate(final int capacity) {
    keys = new int[capacity];
    values = new long[capacity];
    used = new boolean[capacity];
    resizeThreshold = (int) (capacity * MAX_LOAD_FACTOR);
  }

  public int size() {
    return size;
  }

  public long missingValue() {
    return missingValue;
  }

  /** The value stored for {@code key}, or the missing value. */
  public long get(final int key) {
    final int[] keys = this.keys;
    final boolean[] used = this.used;
    final int mask = keys.length - 1;
    int index = Hashing.slot(Hashing.mix(key), mask);
    while (used[index]) {
      if (keys[index] == key) {
        return values[index];
      }
      index = (index + 1) & mask;
    }
    return missingValue;
  }

  /** Stores {@code value} for {@code key}; returns the previous value or the missing value. */
  public long put(final int key, final long value) {
    if (value == missingValue) {
      throw new IllegalArgumentException("cannot store the missing value: " + value);
    }
    final int mask = keys.length - 1;
    int index = Hashing.slot(Hashing.mix(key), mask);
    while (used[index]) {
      if (keys[index] == key) {
        final long old = values[index];
        values[index] = value;
        return old;
      }
      index = (index + 1) & mask;
    }
    keys[index] = key;
    values[index] = value;
    used[index] = true;
    if (++size > resizeThreshold) {
      rehash(keys.length << 1);
    }
    return missingValue;
  }

  /** Removes {@code key}; returns its value or the missing value. */
  public long remove(final int key) {
    final int mask = keys.length - 1;
    int index = Hashing.slot(Hashing.mix(key), mask);
    while (used[index]) {
      if (keys[index] == key) {
        final long old = values[index];
        used[index] = false;
        size--;
        compactChain(index);
        return old;
      }
      index = (index + 1) & mask;
    }
    return missingValue;
  }

  public void clear() {
    Arrays.fill(used, false);
    size = 0;
  }

  /** Calls {@code visitor} for every entry, in no particular order. */
  public void forEach(final IntLongVisitor visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (used[i]) {
        visitor.accept(keys[i], values[i]);
      }
    }
  }

  /** Visitor of {@link IntLongHashMap} entries. */
  @FunctionalInterface
  public interface IntLongVisitor {
    void accept(int key, long value);
  }

  /** Moves later members of the probe chain back into the hole at {@code deleted}. */
  private void compactChain(final int deleted) {
    final int mask = keys.length - 1;
    int hole = deleted;
    int index = (deleted + 1) & mask;
    while (used[index]) {
      final int home = Hashing.slot(Hashing.mix(keys[index]), mask);
      if (Hashing.mayFillHole(hole, home, index)) {
        keys[hole] = keys[index];
        values[hole] = values[index];
        used[hole] = true;
        used[index] = false;
        hole = index;
      }
      index = (index + 1) & mask;
    }
  }

  private void rehash(final int newCapacity) {
    final int[] oldKeys = keys;
    final long[] oldValues = values;
    final boolean[] oldUsed = used;
    allocate(newCapacity);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i]) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
