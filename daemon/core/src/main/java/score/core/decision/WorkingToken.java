package score.core.decision;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The token as the host holding it works on it: its VM list and entries changed in place, and kept
 * true by the hosts that hold it (S-CORE section III-D). A host adds the VMs it runs that the token
 * does not list yet, and removes those it ran at its last hold that no longer run anywhere it knows
 * of (stopped, not moved away by it); an entry of a VM it moved keeps its place, so the entry moves
 * with the VM. The order is the policy's, recomputed at the start of each rotation; within a
 * rotation new VMs are visited last. Pure logic.
 *
 * <p>An agent copies the token it receives into one ({@link #of}) and out of it when it hands the
 * token on ({@link #toToken}), as it decodes and encodes it anyway. The simulator passes one
 * working token from host to host, so a hop costs what the holder's own VMs cost, not what the
 * token's length costs: whether a VM is listed is answered by a hash set of the listed VMs (one
 * probe, where a binary search over millions of VMs would miss the cache twenty times).
 */
public final class WorkingToken {
  private final TokenPolicy policy;
  private final long epoch;
  private final int creator;
  private long sequence;
  private int position;
  private int[] ids;
  private byte[] entries;
  private int count;

  /** The listed VMs. */
  private final ListedVms listed;

  private WorkingToken(
      final TokenPolicy policy,
      final long epoch,
      final long sequence,
      final int creator,
      final int[] ids,
      final byte[] entries,
      final int count,
      final int position,
      final ListedVms listed) {
    this.policy = policy;
    this.epoch = epoch;
    this.sequence = sequence;
    this.creator = creator;
    this.ids = ids;
    this.entries = entries;
    this.count = count;
    this.position = position;
    this.listed = listed;
  }

  /** A copy of {@code token} to work on; a VM listed twice keeps its first entry only. */
  public static WorkingToken of(final Token token) {
    final int n = token.vmCount();
    final int[] ids = new int[n];
    final byte[] entries = new byte[n];
    for (int i = 0; i < n; i++) {
      ids[i] = token.vmId(i);
      entries[i] = (byte) token.level(i);
    }
    final ListedVms seen = new ListedVms();
    int count = 0;
    int position = token.position();
    for (int i = 0; i < n; i++) {
      if (!seen.add(ids[i])) {
        if (i < token.position()) {
          position--;
        }
        continue;
      }
      ids[count] = ids[i];
      entries[count] = entries[i];
      count++;
    }
    return new WorkingToken(
        token.policy(),
        token.epoch(),
        token.sequence(),
        token.creator(),
        ids,
        entries,
        count,
        clamp(position, count),
        seen);
  }

  /** The token to hand on or encode: a copy of the entries as they stand. */
  public Token toToken() {
    return new Token(
        policy,
        epoch,
        sequence,
        position,
        creator,
        Arrays.copyOf(ids, count),
        policy.carriesLevels() ? Arrays.copyOf(entries, count) : null);
  }

  public TokenPolicy policy() {
    return policy;
  }

  public long epoch() {
    return epoch;
  }

  public long sequence() {
    return sequence;
  }

  public int position() {
    return position;
  }

  public int vmCount() {
    return count;
  }

  public int vmId(final int index) {
    return ids[index];
  }

  /** Entry byte {@code index} (level and load, or pair cost); 0 for policies that carry none. */
  public int entry(final int index) {
    return policy.carriesLevels() ? entries[index] & 0xFF : 0;
  }

  /** Writes VM {@code index}'s entry (ignored by policies that carry none). */
  public void setEntry(final int index, final byte entry) {
    entries[index] = entry;
  }

  /** The next VM's turn. */
  public void setPosition(final int newPosition) {
    if (newPosition < 0 || (count > 0 && newPosition >= count)) {
      throw new IllegalArgumentException("position " + newPosition + " outside " + count);
    }
    position = newPosition;
  }

  /** One handover later, as {@code RingNode.handedOver} makes it for a token on the wire. */
  public void handedOver() {
    sequence++;
  }

  /** Whether the token lists {@code vm}. */
  public boolean lists(final int vm) {
    return listed.contains(vm);
  }

  /**
   * The holder's upkeep at a fresh hold.
   *
   * @param localVms the VMs running here now
   * @param localAtLastHold the VMs that ran here when this host last held the token
   * @param movedAway the VMs this host migrated away since then (their entries stay)
   * @param maxVms the most entries a token may carry; VMs beyond it are not added
   */
  public void upkeep(
      final Set<Integer> localVms,
      final Set<Integer> localAtLastHold,
      final Set<Integer> movedAway,
      final int maxVms) {
    Set<Integer> stopped = null;
    for (final int vm : localAtLastHold) {
      if (!localVms.contains(vm) && !movedAway.contains(vm) && lists(vm)) {
        if (stopped == null) {
          stopped = new HashSet<>();
        }
        stopped.add(vm);
      }
    }
    if (stopped != null) {
      remove(stopped);
    }
    final int[] newVms = new int[localVms.size()];
    int n = 0;
    for (final int vm : localVms) {
      newVms[n++] = vm;
    }
    Arrays.sort(newVms);
    for (final int vm : newVms) {
      if (count < maxVms && !lists(vm)) {
        append(vm);
      }
    }
  }

  /** A new rotation: the entries in the policy's order, the first one's turn. */
  public void nextRotation() {
    final int[] currentIds = Arrays.copyOf(ids, count);
    final byte[] currentEntries = Arrays.copyOf(entries, count);
    final int[] order = TokenOrder.order(policy, currentIds, currentEntries);
    for (int i = 0; i < count; i++) {
      ids[i] = currentIds[order[i]];
      entries[i] = currentEntries[order[i]];
    }
    position = 0;
  }

  private void remove(final Set<Integer> stopped) {
    int kept = 0;
    int newPosition = position;
    for (int i = 0; i < count; i++) {
      if (stopped.contains(ids[i])) {
        if (i < position) {
          newPosition--;
        }
        continue;
      }
      ids[kept] = ids[i];
      entries[kept] = entries[i];
      kept++;
    }
    count = kept;
    position = clamp(newPosition, count);
    listed.rebuild(ids, count);
  }

  private void append(final int vm) {
    if (count == ids.length) {
      final int grown = Math.max(8, 2 * ids.length);
      ids = Arrays.copyOf(ids, grown);
      entries = Arrays.copyOf(entries, grown);
    }
    ids[count] = vm;
    entries[count] = 0;
    count++;
    listed.add(vm);
  }

  private static int clamp(final int position, final int count) {
    return count == 0 ? 0 : Math.min(Math.max(0, position), count - 1);
  }

  /**
   * A set of VM ids without boxing: open addressing in one array kept at most half full, 0 marking
   * an empty slot (a listed VM 0, which only a stranger's token carries, is kept aside).
   */
  private static final class ListedVms {
    private int[] slots = new int[16];
    private int size;
    private boolean zero;

    boolean contains(final int vm) {
      if (vm == 0) {
        return zero;
      }
      final int mask = slots.length - 1;
      for (int slot = mix(vm) & mask; ; slot = (slot + 1) & mask) {
        if (slots[slot] == vm) {
          return true;
        }
        if (slots[slot] == 0) {
          return false;
        }
      }
    }

    /** Adds {@code vm}; false if it was there. */
    boolean add(final int vm) {
      if (vm == 0) {
        final boolean added = !zero;
        zero = true;
        return added;
      }
      if (2 * (size + 1) > slots.length) {
        final int[] old = slots;
        slots = new int[2 * old.length];
        for (final int kept : old) {
          if (kept != 0) {
            insert(kept);
          }
        }
      }
      return insert(vm);
    }

    private boolean insert(final int vm) {
      final int mask = slots.length - 1;
      int slot = mix(vm) & mask;
      while (slots[slot] != 0) {
        if (slots[slot] == vm) {
          return false;
        }
        slot = (slot + 1) & mask;
      }
      slots[slot] = vm;
      size++;
      return true;
    }

    void rebuild(final int[] ids, final int count) {
      int capacity = 16;
      while (capacity < 2 * count) {
        capacity <<= 1;
      }
      slots = new int[capacity];
      size = 0;
      zero = false;
      for (int i = 0; i < count; i++) {
        add(ids[i]);
      }
    }

    private static int mix(final int vm) {
      final int h = vm * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }
}
