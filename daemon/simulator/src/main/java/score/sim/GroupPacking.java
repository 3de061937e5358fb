package score.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A placement built from the traffic alone, without looking at any start: the reference's own
 * starting point. Groups of VMs that talk (connected components of the traffic) are placed largest
 * first, each in the lowest subtree with room for all of it (a host, else a rack, …), the fullest
 * such subtree first (best fit, so that room stays whole for later groups). A group larger than a
 * host is cut down the tree: at each level it is split into pieces that fit the children, each
 * piece grown greedily from its best-connected VM by adding the VM with the most traffic to the
 * piece (a greedy graph partition, so that the cut, which pays the higher links, stays small).
 */
final class GroupPacking {
  private final Subtrees tree;
  private final TrafficMatrix traffic;
  private final int capacityPerHost;

  /** {@code free[k][id]}: free slots under subtree id of level k. */
  private final int[][] free;

  private final int[] hostOf;
  private final int[] stamp;
  private final double[] connection;
  private int currentStamp;

  /**
   * @param capacityPerHost how many VMs fit a host (slots, and memory for the largest VM)
   */
  GroupPacking(final Subtrees tree, final TrafficMatrix traffic, final int capacityPerHost) {
    this.tree = tree;
    this.traffic = traffic;
    this.capacityPerHost = capacityPerHost;
    this.free = new int[tree.levels()][];
    for (int k = 0; k < tree.levels(); k++) {
      free[k] = new int[tree.ids(k)];
      for (int id = 0; id < free[k].length; id++) {
        free[k][id] = tree.hosts(k, id) * capacityPerHost;
      }
    }
    final int vms = traffic.vms();
    this.hostOf = new int[vms];
    this.stamp = new int[vms];
    this.connection = new double[vms];
  }

  /** Each VM's host; throws when the VMs do not fit the hosts at all. */
  int[] pack() {
    final int vms = traffic.vms();
    if ((long) tree.hosts(tree.levels() - 1, 0) * capacityPerHost < vms) {
      throw new IllegalArgumentException(vms + " VMs do not fit the hosts");
    }
    Arrays.fill(hostOf, -1);
    final List<int[]> groups = components();
    groups.sort((a, b) -> Integer.compare(b.length, a.length));
    for (final int[] group : groups) {
      // The lowest level with a subtree that takes the whole group; there, the fullest such.
      for (int level = 0; level < tree.levels(); level++) {
        int best = -1;
        for (int id = 0; id < free[level].length; id++) {
          if (free[level][id] >= group.length
              && (best < 0 || free[level][id] < free[level][best])) {
            best = id;
          }
        }
        if (best >= 0) {
          place(group, level, best);
          break;
        }
      }
    }
    return hostOf.clone();
  }

  /**
   * Places {@code group} inside subtree {@code id} of {@code level} (which has room for it): in its
   * lowest, fullest subtree with room for all of it, else cut over the children.
   */
  private void place(final int[] group, final int level, final int id) {
    if (level == 0) {
      for (final int vm : group) {
        assign(vm, id);
      }
      return;
    }
    // The fullest child with room for the whole group, looking down the levels.
    int bestChild = -1;
    for (int c = 0; c < tree.childCount(level, id); c++) {
      final int child = tree.child(level, id, c);
      if (free[level - 1][child] >= group.length
          && (bestChild < 0 || free[level - 1][child] < free[level - 1][bestChild])) {
        bestChild = child;
      }
    }
    if (bestChild >= 0) {
      place(group, level - 1, bestChild);
      return;
    }
    // Cut: the roomiest children first, each taking a piece as large as its room.
    final Integer[] byRoom = new Integer[tree.childCount(level, id)];
    for (int c = 0; c < byRoom.length; c++) {
      byRoom[c] = tree.child(level, id, c);
    }
    Arrays.sort(byRoom, (a, b) -> Integer.compare(free[level - 1][b], free[level - 1][a]));
    int[] rest = group;
    for (final int child : byRoom) {
      if (rest.length == 0) {
        break;
      }
      final int room = free[level - 1][child];
      if (room == 0) {
        continue;
      }
      final int[] piece = rest.length <= room ? rest : grow(rest, room);
      rest = without(rest, piece);
      place(piece, level - 1, child);
    }
    if (rest.length > 0) {
      throw new IllegalStateException("a subtree with room for a group could not take it");
    }
  }

  /** {@code size} VMs of {@code set}, grown greedily by traffic into the piece. */
  private int[] grow(final int[] set, final int size) {
    final int mark = ++currentStamp;
    for (final int vm : set) {
      stamp[vm] = mark;
      connection[vm] = 0;
    }
    final int taken = ++currentStamp;
    final int[] piece = new int[size];
    int count = 0;
    // Candidates by their traffic with the piece; stale entries are skipped.
    final PriorityQueue<double[]> frontier =
        new PriorityQueue<>((a, b) -> Double.compare(b[0], a[0]));
    final Integer[] bySize = new Integer[set.length];
    for (int i = 0; i < set.length; i++) {
      bySize[i] = set[i];
    }
    Arrays.sort(bySize, (a, b) -> Double.compare(traffic.load(b), traffic.load(a)));
    int nextSeed = 0;
    while (count < size) {
      int vm = -1;
      while (!frontier.isEmpty()) {
        final double[] top = frontier.poll();
        final int candidate = (int) top[1];
        if (stamp[candidate] == mark && top[0] == connection[candidate]) {
          vm = candidate;
          break;
        }
      }
      if (vm < 0) {
        while (stamp[bySize[nextSeed]] != mark) {
          nextSeed++;
        }
        vm = bySize[nextSeed];
      }
      stamp[vm] = taken;
      piece[count++] = vm;
      for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
        final int z = traffic.neighbour(e);
        if (stamp[z] == mark) {
          connection[z] += traffic.bytesPerSecond(e);
          frontier.add(new double[] {connection[z], z});
        }
      }
    }
    return piece;
  }

  private int[] without(final int[] set, final int[] piece) {
    if (piece.length == set.length) {
      return new int[0];
    }
    final int gone = ++currentStamp;
    for (final int vm : piece) {
      stamp[vm] = gone;
    }
    final int[] rest = new int[set.length - piece.length];
    int count = 0;
    for (final int vm : set) {
      if (stamp[vm] != gone) {
        rest[count++] = vm;
      }
    }
    return rest;
  }

  private void assign(final int vm, final int host) {
    hostOf[vm] = host;
    final var topology = tree.topology();
    for (int k = 0; k < tree.levels(); k++) {
      free[k][topology.ancestor(k, host)]--;
    }
  }

  /** Connected components of the traffic graph (a VM without traffic is a group of one). */
  private List<int[]> components() {
    final int vms = traffic.vms();
    final int[] parent = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      parent[vm] = vm;
    }
    for (int vm = 0; vm < vms; vm++) {
      for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
        final int a = root(parent, vm);
        final int b = root(parent, traffic.neighbour(e));
        if (a != b) {
          parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
    final int[] size = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      size[root(parent, vm)]++;
    }
    final int[][] members = new int[vms][];
    final int[] fill = new int[vms];
    final List<int[]> groups = new ArrayList<>();
    for (int vm = 0; vm < vms; vm++) {
      final int r = root(parent, vm);
      if (members[r] == null) {
        members[r] = new int[size[r]];
        groups.add(members[r]);
      }
      members[r][fill[r]++] = vm;
    }
    return groups;
  }

  private static int root(final int[] parent, final int vm) {
    int r = vm;
    while (parent[r] != r) {
      parent[r] = parent[parent[r]];
      r = parent[r];
    }
    return r;
  }
}
