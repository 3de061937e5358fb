package score.core.decision;

import java.util.Arrays;

/**
 * The data centre's tree, as far as the cost model needs it: the communication level of two hosts
 * (S-CORE section II). Level 0 is the same host, level 1 the same top-of-rack switch, level 2 the
 * same aggregation switch, and so on; two hosts in different top-level groups talk at {@link
 * #maxLevel()}.
 *
 * <p>Stored as each host's ancestor at every level ({@code ancestors[k - 1][host]} is the id of the
 * level-k switch above it), so a level is at most {@code maxLevel} array reads and a fan-out tree
 * and a tree read from a file are the same structure.
 */
public final class Topology {
  private final int hosts;
  private final int[][] ancestors;
  private final int[] rackStart;
  private final int[] hostsByRack;

  private Topology(final int hosts, final int[][] ancestors) {
    this.hosts = hosts;
    this.ancestors = ancestors;
    int racks = 1;
    for (int host = 0; host < hosts; host++) {
      racks = Math.max(racks, rackOf(host) + 1);
    }
    rackStart = new int[racks + 1];
    for (int host = 0; host < hosts; host++) {
      rackStart[rackOf(host) + 1]++;
    }
    for (int rack = 0; rack < racks; rack++) {
      rackStart[rack + 1] += rackStart[rack];
    }
    hostsByRack = new int[hosts];
    final int[] fill = Arrays.copyOf(rackStart, racks);
    for (int host = 0; host < hosts; host++) {
      hostsByRack[fill[rackOf(host)]++] = host;
    }
  }

  public int racks() {
    return rackStart.length - 1;
  }

  /** How many hosts rack {@code rack} has. */
  public int rackSize(final int rack) {
    return rackStart[rack + 1] - rackStart[rack];
  }

  /** The {@code k}-th host of rack {@code rack}, ascending. */
  public int hostInRack(final int rack, final int k) {
    return hostsByRack[rackStart[rack] + k];
  }

  /**
   * A regular tree from a fan-out list: {@code fanout[0]} hosts per rack, {@code fanout[1]} racks
   * per aggregation group, and so on up; hosts {@code i} and {@code j} talk at level {@code k}, the
   * smallest k with {@code i / (f1·…·fk) == j / (f1·…·fk)}, or at level {@code fanout.length} when
   * they only meet at the root.
   */
  public static Topology fanout(final int... fanout) {
    if (fanout.length == 0) {
      throw new IllegalArgumentException("a fan-out lists at least the hosts per rack");
    }
    long hosts = 1;
    for (int k = 0; k < fanout.length; k++) {
      if (fanout[k] < 1) {
        throw new IllegalArgumentException(
            "fan-out entry " + (k + 1) + " is " + fanout[k] + ": each must be at least 1");
      }
      hosts *= fanout[k];
      if (hosts > 50_000_000) {
        throw new IllegalArgumentException(
            "fan-out " + Arrays.toString(fanout) + " makes more than 50,000,000 hosts");
      }
    }
    final int count = (int) hosts;
    // Levels 1 .. L-1 have switch ids; level L is the root, shared by all.
    final int[][] ancestors = new int[fanout.length - 1][count];
    long span = 1;
    for (int k = 0; k < fanout.length - 1; k++) {
      span *= fanout[k];
      for (int host = 0; host < count; host++) {
        ancestors[k][host] = (int) (host / span);
      }
    }
    return new Topology(count, ancestors);
  }

  /**
   * A tree from explicit positions: {@code paths[host]} names the switches above the host, from its
   * top-of-rack switch upwards (all paths equally long; names are compared per level, so the same
   * name under different parents is still a different switch).
   */
  public static Topology fromPaths(final String[][] paths) {
    if (paths.length == 0) {
      throw new IllegalArgumentException("a topology needs at least one host");
    }
    final int depth = paths[0].length;
    final int[][] ancestors = new int[depth][paths.length];
    for (int k = 0; k < depth; k++) {
      final java.util.HashMap<String, Integer> ids = new java.util.HashMap<>();
      for (int host = 0; host < paths.length; host++) {
        if (paths[host].length != depth) {
          throw new IllegalArgumentException(
              "host "
                  + host
                  + " has "
                  + paths[host].length
                  + " switch levels, host 0 has "
                  + depth);
        }
        // A switch is its name plus everything above it.
        final String key = String.join("/", Arrays.copyOfRange(paths[host], k, depth));
        ancestors[k][host] = ids.computeIfAbsent(key, name -> ids.size());
      }
    }
    return new Topology(paths.length, ancestors);
  }

  public int hosts() {
    return hosts;
  }

  /** The highest level two hosts can talk at: the number of link layers. */
  public int maxLevel() {
    return ancestors.length + 1;
  }

  /** The level at which hosts {@code a} and {@code b} talk: 0 when they are the same host. */
  public int level(final int a, final int b) {
    if (a == b) {
      return 0;
    }
    final int[][] ancestors = this.ancestors;
    for (int k = 0; k < ancestors.length; k++) {
      if (ancestors[k][a] == ancestors[k][b]) {
        return k + 1;
      }
    }
    return ancestors.length + 1;
  }

  /**
   * The id of {@code host}'s subtree at {@code level}: the host itself at level 0, its top-of-rack
   * switch at 1, …, the root (0) at {@link #maxLevel()}. Two hosts talk at level k exactly when k
   * is the lowest level at which their ancestors are equal.
   */
  public int ancestor(final int level, final int host) {
    if (level == 0) {
      return host;
    }
    return level > ancestors.length ? 0 : ancestors[level - 1][host];
  }

  /** The top-of-rack switch of {@code host} (hosts alone in a one-level tree: 0). */
  public int rackOf(final int host) {
    return ancestors.length == 0 ? 0 : ancestors[0][host];
  }
}
