package score.core.decision;

import score.core.port.Deadlines;

/**
 * A host's answers to capacity probes (S-CORE section III-F). A positive answer is a promise kept
 * for a short time: the asking holder migrates against it, so what is promised is subtracted from
 * what the next asker is told, and two holders asking at once cannot both count on one free slot. A
 * promise ends when its VM arrives, when the asker releases it (it chose another host), or when it
 * expires. At most {@code maxPromises} are outstanding; beyond that the host answers that it has no
 * room, so no asker can make it keep unbounded state. Pure logic; one thread.
 */
public final class CapacityLedger {
  /** What a probe is told. */
  public record Answer(int freeSlots, long freeMemoryBytes) {}

  private final long promiseNanos;
  private final int maxPromises;
  private final int[] askers;
  private final long[] requests;
  private final long[] memoryBytes;
  private final long[] expiresAtNanos;
  private int count;

  /**
   * @param promiseNanos how long an answer holds (a few times a migration's start-up)
   */
  public CapacityLedger(final long promiseNanos, final int maxPromises) {
    if (promiseNanos <= 0 || maxPromises < 1) {
      throw new IllegalArgumentException("a promise needs a positive time and room for one");
    }
    this.promiseNanos = promiseNanos;
    this.maxPromises = maxPromises;
    askers = new int[maxPromises];
    requests = new long[maxPromises];
    memoryBytes = new long[maxPromises];
    expiresAtNanos = new long[maxPromises];
  }

  /**
   * Answers host {@code asker}'s probe {@code requestId} for a VM of {@code vmMemoryBytes}, given
   * what is free on this host now, and promises it one slot and that memory when they are there.
   * Asking again with the same request renews the same promise; a new request from the same asker
   * replaces its earlier promise.
   */
  public Answer answer(
      final int asker,
      final long requestId,
      final long vmMemoryBytes,
      final int freeSlotsNow,
      final long freeMemoryBytesNow,
      final long nowNanos) {
    expire(nowNanos);
    // A host holds the token for one VM at a time: its newer probe supersedes its older promise.
    for (int i = count - 1; i >= 0; i--) {
      if (askers[i] == asker && requests[i] != requestId) {
        remove(i);
      }
    }
    final int existing = indexOf(asker, requestId);
    int slots = Math.max(0, freeSlotsNow);
    long memory = Math.max(0, freeMemoryBytesNow);
    for (int i = 0; i < count; i++) {
      if (i != existing) {
        slots = Math.max(0, slots - 1);
        memory = Math.max(0, memory - memoryBytes[i]);
      }
    }
    final boolean room = slots >= 1 && memory >= vmMemoryBytes && vmMemoryBytes >= 0;
    if (!room) {
      if (existing >= 0) {
        remove(existing); // the room it was promised is gone
      }
      return new Answer(slots, memory);
    }
    if (existing >= 0) {
      memoryBytes[existing] = vmMemoryBytes;
      expiresAtNanos[existing] = nowNanos + promiseNanos;
      return new Answer(slots, memory);
    }
    if (count == maxPromises) {
      return new Answer(0, 0);
    }
    askers[count] = asker;
    requests[count] = requestId;
    memoryBytes[count] = vmMemoryBytes;
    expiresAtNanos[count] = nowNanos + promiseNanos;
    count++;
    return new Answer(slots, memory);
  }

  /** The promised VM arrived (it now counts in what is free) or the asker went elsewhere. */
  public void settle(final int asker, final long requestId) {
    final int index = indexOf(asker, requestId);
    if (index >= 0) {
      remove(index);
    }
  }

  /** Promises outstanding at {@code nowNanos}. */
  public int outstanding(final long nowNanos) {
    expire(nowNanos);
    return count;
  }

  private void expire(final long nowNanos) {
    for (int i = count - 1; i >= 0; i--) {
      if (Deadlines.reached(nowNanos, expiresAtNanos[i])) {
        remove(i);
      }
    }
  }

  private int indexOf(final int asker, final long requestId) {
    for (int i = 0; i < count; i++) {
      if (askers[i] == asker && requests[i] == requestId) {
        return i;
      }
    }
    return -1;
  }

  private void remove(final int index) {
    final int last = --count;
    askers[index] = askers[last];
    requests[index] = requests[last];
    memoryBytes[index] = memoryBytes[last];
    expiresAtNanos[index] = expiresAtNanos[last];
  }
}
