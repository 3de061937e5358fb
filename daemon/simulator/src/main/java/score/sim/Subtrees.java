package score.sim;

import java.util.Arrays;
import score.core.decision.Topology;

/**
 * The topology's subtrees level by level, as the reference's packing and the lower bound need them:
 * at level 0 the hosts, at level 1 the racks, …, at {@link Topology#maxLevel()} the root; each
 * subtree's hosts and its children one level down. Ids are {@link Topology#ancestor}'s.
 */
final class Subtrees {
  private final Topology topology;
  private final int levels;

  /** {@code hostCount[k][id]}: hosts under subtree {@code id} of level {@code k}. */
  private final int[][] hostCount;

  /** {@code childStart[k][id] .. childStart[k][id + 1]} index {@code children[k]} (k ≥ 1). */
  private final int[][] childStart;

  private final int[][] children;

  Subtrees(final Topology topology) {
    this.topology = topology;
    this.levels = topology.maxLevel() + 1;
    final int hosts = topology.hosts();
    hostCount = new int[levels][];
    childStart = new int[levels][];
    children = new int[levels][];
    for (int k = 0; k < levels; k++) {
      int ids = 0;
      for (int host = 0; host < hosts; host++) {
        ids = Math.max(ids, topology.ancestor(k, host) + 1);
      }
      hostCount[k] = new int[ids];
      for (int host = 0; host < hosts; host++) {
        hostCount[k][topology.ancestor(k, host)]++;
      }
    }
    for (int k = 1; k < levels; k++) {
      // Distinct (parent, child) pairs, sorted: a child subtree has one parent.
      final long[] pairs = new long[hosts];
      for (int host = 0; host < hosts; host++) {
        pairs[host] = (long) topology.ancestor(k, host) << 32 | topology.ancestor(k - 1, host);
      }
      Arrays.sort(pairs);
      final int[] start = new int[hostCount[k].length + 1];
      final int[] list = new int[hostCount[k - 1].length];
      int count = 0;
      for (int i = 0; i < hosts; i++) {
        if (i > 0 && pairs[i] == pairs[i - 1]) {
          continue;
        }
        start[(int) (pairs[i] >>> 32) + 1]++;
        list[count++] = (int) pairs[i];
      }
      for (int id = 0; id < hostCount[k].length; id++) {
        start[id + 1] += start[id];
      }
      childStart[k] = start;
      children[k] = Arrays.copyOf(list, count);
    }
  }

  Topology topology() {
    return topology;
  }

  /** Levels 0 (hosts) to the root, inclusive: {@code maxLevel + 1}. */
  int levels() {
    return levels;
  }

  /** Subtree ids at level {@code k} are below this. */
  int ids(final int level) {
    return hostCount[level].length;
  }

  int hosts(final int level, final int id) {
    return hostCount[level][id];
  }

  /** The largest number of hosts any level-{@code k} subtree has. */
  int largestHosts(final int level) {
    int largest = 0;
    for (final int count : hostCount[level]) {
      largest = Math.max(largest, count);
    }
    return largest;
  }

  int childCount(final int level, final int id) {
    return childStart[level][id + 1] - childStart[level][id];
  }

  int child(final int level, final int id, final int k) {
    return children[level][childStart[level][id] + k];
  }
}
