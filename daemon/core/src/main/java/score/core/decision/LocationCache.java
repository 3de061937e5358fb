package score.core.decision;

import java.util.HashMap;
import java.util.Map;
import score.core.port.Deadlines;

/**
 * Where VMs were last found by location probes (S-CORE section III-F), so that a holder does not
 * probe a busy neighbour on every visit: an answer is kept for a while, and dropped at once when a
 * migration of that VM is announced (the host that moves it tells the others). Bounded: beyond
 * {@code maxEntries} the oldest answers go. Pure logic; one thread.
 */
public final class LocationCache {
  private record Entry(int host, long expiresAtNanos) {}

  private final long keepNanos;
  private final int maxEntries;
  private final Map<Integer, Entry> byVm = new HashMap<>();
  private final java.util.ArrayDeque<Integer> insertionOrder = new java.util.ArrayDeque<>();

  public LocationCache(final long keepNanos, final int maxEntries) {
    if (keepNanos <= 0 || maxEntries < 1) {
      throw new IllegalArgumentException("a cache keeps answers for a positive time, one at least");
    }
    this.keepNanos = keepNanos;
    this.maxEntries = maxEntries;
  }

  /** {@code vm} was found on {@code host} (a probe's answer). */
  public void found(final int vm, final int host, final long nowNanos) {
    if (byVm.put(vm, new Entry(host, nowNanos + keepNanos)) == null) {
      insertionOrder.addLast(vm);
      while (byVm.size() > maxEntries) {
        byVm.remove(insertionOrder.pollFirst());
      }
    }
  }

  /** The host {@code vm} was last found on, or {@link VmLocator#UNKNOWN} when not known now. */
  public int hostOf(final int vm, final long nowNanos) {
    final Entry entry = byVm.get(vm);
    if (entry == null) {
      return VmLocator.UNKNOWN;
    }
    if (Deadlines.reached(nowNanos, entry.expiresAtNanos())) {
      byVm.remove(vm);
      insertionOrder.remove(vm);
      return VmLocator.UNKNOWN;
    }
    return entry.host();
  }

  /** A migration of {@code vm} was announced: where it was is no longer news. */
  public void migrating(final int vm) {
    if (byVm.remove(vm) != null) {
      insertionOrder.remove(vm);
    }
  }

  public int size() {
    return byVm.size();
  }
}
