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
   * @param entries each VM's entry byte: {@link TokenEntry#pack} for distributed and load-aware,
   *     {@link TokenEntry#packPairCost} for global; not read by round-robin
   * @return indices into {@code vmIds}, in visiting order
   */
  public static int[] order(final TokenPolicy policy, final int[] vmIds, final byte[] entries) {
    final int n = vmIds.length;
    if (n > (1 << 23)) {
      throw new IllegalArgumentException("a token holds at most 2^23 VMs here: " + n);
    }
    if (entries.length != n) {
      throw new IllegalArgumentException("entries " + entries.length + " for " + n + " VMs");
    }
    // One long per VM: priority (8 bits, higher first) | unsigned id (32) | index (23).
    final long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      final int priority =
          switch (policy) {
            case ROUND_ROBIN -> 0;
            case DISTRIBUTED -> TokenEntry.level(entries[i]);
            case LOAD_AWARE, GLOBAL -> entries[i] & 0xFF;
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
}
