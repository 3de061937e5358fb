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

  /**
   * The global policy's entry (S-CORE section II: the order by "the highest pairwise communication
   * cost reduction"): the VM's highest cost with one neighbour, max_z λ(z, u)·(c_1 + … + c_ℓ(z,u)),
   * which co-locating that pair would save, on a quarter-octave log2 scale: 0 below 1, else {@code
   * 1 + floor(4·log2(cost))}, at most 255 (from 2^63.5). The holder of u writes it at u's visit,
   * where u's traffic and its neighbours' hosts are known, and the token carries it to whichever
   * host orders the next rotation: the same one byte per VM the other policies carry.
   */
  public static byte packPairCost(final double pairCost) {
    if (!(pairCost >= 1)) {
      return 0;
    }
    final double bucket = 1 + Math.floor(4 * (Math.log(pairCost) / Math.log(2)));
    return (byte) (int) Math.min(255, bucket);
  }

  /** The entry {@code policy} orders by: the pair cost for global, level and load otherwise. */
  public static byte forPolicy(
      final score.protocol.TokenPolicy policy, final byte levelAndLoad, final byte pairCost) {
    return policy == score.protocol.TokenPolicy.GLOBAL ? pairCost : levelAndLoad;
  }

  public static int level(final byte entry) {
    return (entry & 0xFF) >>> 5;
  }

  public static int loadBucket(final byte entry) {
    return entry & MAX_LOAD_BUCKET;
  }
}
