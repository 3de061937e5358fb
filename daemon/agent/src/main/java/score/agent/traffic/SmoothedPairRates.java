package score.agent.traffic;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * λ(u, z) as a steady rate for reporting: the flow table's rates cover the window since a VM's
 * history was last consumed, which a decision does at every token visit, so right after a visit
 * they read near zero. This follows each pair's byte count across those restarts and smooths the
 * rate exponentially (time constant {@code timeConstantMillis}). One thread.
 */
public final class SmoothedPairRates {
  private static final class State {
    long bytes;
    long windowStartMillis;
    long atMillis;
    double bytesPerSecond;
    boolean seen;
  }

  private final double timeConstantMillis;
  private final Map<Long, State> states = new HashMap<>();

  public SmoothedPairRates(final long timeConstantMillis) {
    if (timeConstantMillis <= 0) {
      throw new IllegalArgumentException("the time constant must be positive");
    }
    this.timeConstantMillis = timeConstantMillis;
  }

  /**
   * The pair's smoothed rate after a reading of {@code bytes} counted since {@code
   * windowStartMillis}, read at {@code nowMillis}.
   */
  public double update(
      final int vm,
      final int neighbour,
      final long bytes,
      final long windowStartMillis,
      final long nowMillis) {
    final long key = ((long) vm << 32) | (neighbour & 0xFFFF_FFFFL);
    State state = states.get(key);
    if (state == null) {
      state = new State();
      final long window = nowMillis - windowStartMillis;
      state.bytesPerSecond = window >= 1_000 ? bytes * 1e3 / window : 0;
      remember(state, bytes, windowStartMillis, nowMillis);
      states.put(key, state);
      return state.bytesPerSecond;
    }
    final long delta;
    final long elapsed;
    if (windowStartMillis == state.windowStartMillis) {
      delta = Math.max(0, bytes - state.bytes);
      elapsed = nowMillis - state.atMillis;
    } else {
      // The history was consumed: what came before the new window was counted already.
      delta = bytes;
      elapsed = nowMillis - Math.max(windowStartMillis, state.atMillis);
    }
    if (elapsed > 0) {
      final double instant = delta * 1e3 / elapsed;
      final double weight = 1 - Math.exp(-elapsed / timeConstantMillis);
      state.bytesPerSecond += weight * (instant - state.bytesPerSecond);
    }
    remember(state, bytes, windowStartMillis, nowMillis);
    return state.bytesPerSecond;
  }

  private static void remember(
      final State state, final long bytes, final long windowStartMillis, final long nowMillis) {
    state.bytes = bytes;
    state.windowStartMillis = windowStartMillis;
    state.atMillis = nowMillis;
    state.seen = true;
  }

  /** Forgets the pairs not updated since the last sweep (gone from the table or the host). */
  public void sweep() {
    final Iterator<State> it = states.values().iterator();
    while (it.hasNext()) {
      final State state = it.next();
      if (!state.seen) {
        it.remove();
      } else {
        state.seen = false;
      }
    }
  }

  public int size() {
    return states.size();
  }
}
