package score.flowtable;

/** Hash mixing for primitive keys in power-of-two open-addressing tables. */
final class Hashing {
  private Hashing() {}

  /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
  static long mix(final long value) {
    long x = value;
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }

  /** Slot of a hash in a table of {@code mask + 1} slots. */
  static int slot(final long hash, final int mask) {
    return (int) hash & mask;
  }

  /**
   * Smallest power of two that holds {@code entries} at {@code maxLoadFactor}, checked for
   * overflow.
   */
  static int capacityFor(final long entries, final float maxLoadFactor) {
    final long needed = (long) Math.ceil(entries / (double) maxLoadFactor);
    if (needed > (1 << 30)) {
      throw new IllegalArgumentException(
          "table too large: entries=" + entries + " loadFactor=" + maxLoadFactor);
    }
    return Math.max(8, Integer.highestOneBit((int) Math.max(1, needed - 1)) << 1);
  }

  /**
   * Knuth's Algorithm R for deletion under linear probing: the entry at {@code index}, whose home
   * slot is {@code home}, may move back into {@code hole} unless its home lies cyclically in {@code
   * (hole, index]}.
   */
  static boolean mayFillHole(final int hole, final int home, final int index) {
    final boolean homeBetween =
        hole <= index ? (hole < home && home <= index) : (hole < home || home <= index);
    return !homeBetween;
  }
}
