package score.core.decision;

import java.util.Arrays;
import java.util.Set;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The token's list of VMs kept true by the hosts that hold it (S-CORE section III-D): a host adds
 * the VMs it runs that the token does not list yet, and removes those it ran at its last hold that
 * no longer run anywhere it knows of (stopped, not moved away by it); an entry of a VM it moved
 * keeps its place, so the entry moves with the VM. The order is the policy's, recomputed at the
 * start of each rotation; within a rotation new VMs are visited last. Pure logic.
 */
public final class TokenRoster {
  private TokenRoster() {}

  /**
   * The token after this host's upkeep.
   *
   * @param localVms the VMs running here now
   * @param localAtLastHold the VMs that ran here when this host last held the token
   * @param movedAway the VMs this host migrated away since then (their entries stay)
   * @param maxVms the most entries a token may carry; VMs beyond it are not added
   */
  public static Token refresh(
      final Token token,
      final Set<Integer> localVms,
      final Set<Integer> localAtLastHold,
      final Set<Integer> movedAway,
      final int maxVms) {
    final int count = token.vmCount();
    final int[] ids = new int[Math.max(count, Math.min(maxVms, count + localVms.size()))];
    final byte[] levels = new byte[ids.length];
    int kept = 0;
    int position = token.position();
    final Set<Integer> listed = new java.util.HashSet<>();
    for (int i = 0; i < count; i++) {
      final int vm = token.vmId(i);
      final boolean stopped =
          localAtLastHold.contains(vm) && !localVms.contains(vm) && !movedAway.contains(vm);
      if (stopped || !listed.add(vm)) {
        if (i < token.position()) {
          position--;
        }
        continue;
      }
      ids[kept] = vm;
      levels[kept] = (byte) token.level(i);
      kept++;
    }
    final int[] added = localVms.stream().mapToInt(Integer::intValue).sorted().toArray();
    for (final int vm : added) {
      if (kept < ids.length && kept < maxVms && listed.add(vm)) {
        ids[kept] = vm;
        levels[kept] = 0;
        kept++;
      }
    }
    final int[] finalIds = Arrays.copyOf(ids, kept);
    return new Token(
        token.policy(),
        token.epoch(),
        token.sequence(),
        kept == 0 ? 0 : Math.min(Math.max(0, position), kept - 1),
        token.creator(),
        finalIds,
        token.policy().carriesLevels() ? Arrays.copyOf(levels, kept) : null);
  }

  /** The token for a new rotation: its entries in the policy's order, the first one's turn. */
  public static Token nextRotation(final Token token) {
    final int n = token.vmCount();
    final int[] ids = new int[n];
    final byte[] entries = new byte[n];
    for (int i = 0; i < n; i++) {
      ids[i] = token.vmId(i);
      entries[i] = (byte) token.level(i);
    }
    final int[] order = TokenOrder.order(token.policy(), ids, entries);
    final int[] orderedIds = new int[n];
    final byte[] orderedEntries = new byte[n];
    for (int i = 0; i < n; i++) {
      orderedIds[i] = ids[order[i]];
      orderedEntries[i] = entries[order[i]];
    }
    final TokenPolicy policy = token.policy();
    return new Token(
        policy,
        token.epoch(),
        token.sequence(),
        0,
        token.creator(),
        orderedIds,
        policy.carriesLevels() ? orderedEntries : null);
  }
}
