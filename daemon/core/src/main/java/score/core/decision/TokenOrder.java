package score.core.decision;

import java.util.Arrays;
import score.protocol.TokenPolicy;

/**
 * The four token policies as orderings of the token's VMs (S-CORE section II): the token visits VMs
 * in the returned order. Ties always fall to the lower VM id (compared as unsigned IPv4 addresses),
 * so every host computes the same order from the same token.
 */
public final class TokenOrder {
  private TokenOrder() {}

  /**
   * @param vmIds the token's VM ids
   * @param entries each VM's {@link TokenEntry} byte (read by distributed and load-aware)
   * @param globalGains for {@link TokenPolicy#GLOBAL} only: each VM's best cost reduction, computed
   *     centrally; may be null for the other policies
   * @return indices into {@code vmIds}, in visiting order
   */
  public static int[] order(
      final TokenPolicy policy,
      final int[] vmIds,
      final byte[] entries,
      final double[] globalGains) {
    final int n = vmIds.length;
    if (n > (1 << 23)) {
      throw new IllegalArgumentException("a token holds at most 2^23 VMs here: " + n);
    }
    if (entries.length != n) {
      throw new IllegalArgumentException("entries " + entries.length + " for " + n + " VMs");
    }
    if (policy == TokenPolicy.GLOBAL) {
      return byGain(vmIds, globalGains);
    }
    // One long per VM: priority (8 bits, higher first) | unsigned id (32) | index (23).
    final long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      final int priority =
          switch (policy) {
            case ROUND_ROBIN -> 0;
            case DISTRIBUTED -> TokenEntry.level(entries[i]);
            case LOAD_AWARE -> entries[i] & 0xFF;
            case GLOBAL -> throw new AssertionError();
          };
      keys[i] = (long) (255 - priority) << 55 | (vmIds[i] & 0xFFFF_FFFFL) << 23 | i;
    }
    Arrays.sort(keys);
    final int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) (keys[i] & ((1 << 23) - 1));
    }
    return order;
  }

  private static int[] byGain(final int[] vmIds, final double[] gains) {
    if (gains == null || gains.length != vmIds.length) {
      throw new IllegalArgumentException("the global policy needs one gain per VM");
    }
    final Integer[] boxed = new Integer[vmIds.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(
        boxed,
        (a, b) -> {
          final int byGain = Double.compare(gains[b], gains[a]);
          return byGain != 0 ? byGain : Integer.compareUnsigned(vmIds[a], vmIds[b]);
        });
    final int[] order = new int[boxed.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = boxed[i];
    }
    return order;
  }
}
