package score.core.decision;

/**
 * The 8-bit value the token carries after each VM id for the distributed and load-aware policies
 * (S-CORE section III-D): the VM's highest communication level in the upper 3 bits and its
 * aggregate load, on a log2 scale of bytes per second, in the lower 5. Distributed orders by the
 * level bits, load-aware by the whole byte, so one byte serves both and the token stays at 5 bytes
 * per VM.
 */
public final class TokenEntry {
  private TokenEntry() {}

  public static final int MAX_LEVEL = 7;
  public static final int MAX_LOAD_BUCKET = 31;

  /**
   * @param level the highest level u talks at (clamped to 7)
   * @param loadBytesPerSecond Σ λ(z, u); bucket {@code floor(log2(load))}, 0 below 2 B/s, 31 from 2
   *     GiB/s
   */
  public static byte pack(final int level, final double loadBytesPerSecond) {
    final int clampedLevel = Math.max(0, Math.min(MAX_LEVEL, level));
    final int bucket =
        loadBytesPerSecond < 2
            ? 0
            : Math.min(MAX_LOAD_BUCKET, Math.getExponent(loadBytesPerSecond));
    return (byte) (clampedLevel << 5 | bucket);
  }

  public static int level(final byte entry) {
    return (entry & 0xFF) >>> 5;
  }

  public static int loadBucket(final byte entry) {
    return entry & MAX_LOAD_BUCKET;
  }
}
