package score.core.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import score.core.plan.BitRate;
import score.core.plan.EvacuatingVm;
import score.core.plan.Evacuation;
import score.core.plan.Technique;
import score.core.plan.TechniqueChoice;
import score.core.plan.TechniqueChooser;

/**
 * Where each VM of a host being drained goes, and how: destinations by communication cost (eq. 1:
 * the host where the VM's traffic with its located neighbours crosses the cheapest links), within
 * the room the other hosts reported (free slots and memory, used up as VMs are placed, the VMs with
 * the most traffic placed first); pre-copy or post-copy per VM by its traffic direction ({@link
 * TechniqueChooser}: a VM that mostly sends is post-copied, so its sending and its migration do not
 * share the source's uplink). Pure logic.
 */
public final class DrainPlanner {
  private DrainPlanner() {}

  /**
   * A VM on the host being drained.
   *
   * @param neighbours λ(z, u) in bytes per second for each neighbour z whose host is known
   * @param neighbourHosts the host of each neighbour, in the same order
   */
  public record DrainVm(
      String name,
      int ipv4,
      long memoryBytes,
      BitRate transmit,
      BitRate receive,
      double[] neighbours,
      int[] neighbourHosts) {}

  /** Free room a host reported. */
  public record Room(int freeSlots, long freeMemoryBytes) {}

  /**
   * One VM's move: {@code toHost} -1 when no host had room.
   *
   * @param costHere the VM's communication cost where it is now
   * @param costThere its cost on the chosen host
   */
  public record Move(
      DrainVm vm, int toHost, Technique technique, double costHere, double costThere) {}

  /** The moves, in the order to run them, and the technique choice's contention. */
  public record Plan(List<Move> moves, TechniqueChoice techniques) {}

  public static Plan plan(
      final int self,
      final List<DrainVm> vms,
      final Map<Integer, Room> rooms,
      final Topology topology,
      final LinkWeights weights) {
    final List<DrainVm> order = new ArrayList<>(vms);
    order.sort(Comparator.comparingDouble(DrainPlanner::traffic).reversed());
    final Map<Integer, int[]> slots = new HashMap<>();
    final Map<Integer, long[]> memory = new HashMap<>();
    rooms.forEach(
        (host, room) -> {
          slots.put(host, new int[] {room.freeSlots()});
          memory.put(host, new long[] {room.freeMemoryBytes()});
        });
    final List<Integer> hosts = new ArrayList<>(rooms.keySet());
    hosts.sort(Integer::compare);
    final int[] destination = new int[order.size()];
    final double[] here = new double[order.size()];
    final double[] there = new double[order.size()];
    for (int i = 0; i < order.size(); i++) {
      final DrainVm vm = order.get(i);
      here[i] = cost(vm, self, topology, weights);
      destination[i] = -1;
      there[i] = Double.NaN;
      for (final int host : hosts) {
        if (host == self
            || host >= topology.hosts()
            || slots.get(host)[0] < 1
            || memory.get(host)[0] < vm.memoryBytes()) {
          continue;
        }
        final double cost = cost(vm, host, topology, weights);
        if (destination[i] < 0 || cost < there[i]) {
          destination[i] = host;
          there[i] = cost;
        }
      }
      if (destination[i] >= 0) {
        slots.get(destination[i])[0]--;
        memory.get(destination[i])[0] -= vm.memoryBytes();
      }
    }
    final List<EvacuatingVm> evacuating = new ArrayList<>();
    for (final DrainVm vm : order) {
      evacuating.add(new EvacuatingVm(vm.name(), vm.transmit(), vm.receive()));
    }
    final TechniqueChoice choice =
        TechniqueChooser.choose(
            new Evacuation(evacuating, BitRate.ofBitsPerSecond(0), BitRate.ofBitsPerSecond(0)));
    final List<Move> moves = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      moves.add(
          new Move(order.get(i), destination[i], choice.techniques().get(i), here[i], there[i]));
    }
    return new Plan(moves, choice);
  }

  /** C(u) on {@code host}: Σ λ(z, u)·(c_1 + … + c_ℓ(host, host(z))), eq. 1 for one VM. */
  static double cost(
      final DrainVm vm, final int host, final Topology topology, final LinkWeights weights) {
    double cost = 0;
    for (int k = 0; k < vm.neighbours().length; k++) {
      final int other = vm.neighbourHosts()[k];
      if (other >= 0 && other < topology.hosts() && host < topology.hosts()) {
        cost += vm.neighbours()[k] * weights.pathCost(topology.level(host, other));
      }
    }
    return cost;
  }

  private static double traffic(final DrainVm vm) {
    double sum = 0;
    for (final double rate : vm.neighbours()) {
      sum += rate;
    }
    return sum;
  }
}
