package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import score.core.plan.BitRate;
import score.core.plan.Technique;

/**
 * Drain plans on a tree of two racks (hosts 0,1 | 2,3), draining host 0: each VM goes where its
 * traffic costs least among the hosts with room, room used up as VMs are placed, heaviest first;
 * the VM that mostly sends is post-copied.
 */
class DrainPlannerTest {
  private static final long GIB = 1L << 30;
  private final Topology topology = Topology.fanout(2, 2);
  private final LinkWeights weights = LinkWeights.of(1, Math.E);

  private static DrainPlanner.DrainVm vm(
      final String name,
      final double rate,
      final int peerHost,
      final double txMbps,
      final double rxMbps) {
    return new DrainPlanner.DrainVm(
        name,
        name.hashCode(),
        GIB,
        BitRate.ofMbps(txMbps),
        BitRate.ofMbps(rxMbps),
        new double[] {rate},
        new int[] {peerHost});
  }

  @Test
  void eachVmShouldGoNextToItsPeerWhenThereIsRoom() {
    final DrainPlanner.Plan plan =
        DrainPlanner.plan(
            0,
            List.of(vm("sender", 2000, 2, 50, 1), vm("receiver", 1000, 3, 1, 50)),
            Map.of(
                1, new DrainPlanner.Room(4, 8 * GIB),
                2, new DrainPlanner.Room(4, 8 * GIB),
                3, new DrainPlanner.Room(4, 8 * GIB)),
            topology,
            weights);
    assertEquals("sender", plan.moves().get(0).vm().name(), "heaviest first");
    assertEquals(2, plan.moves().get(0).toHost());
    assertEquals(0.0, plan.moves().get(0).costThere());
    assertEquals(Technique.POST_COPY, plan.moves().get(0).technique());
    assertEquals(3, plan.moves().get(1).toHost());
    assertEquals(Technique.PRE_COPY, plan.moves().get(1).technique());
  }

  @Test
  void roomShouldBeUsedUpAndTheNextCheapestHostTaken() {
    final DrainPlanner.Plan plan =
        DrainPlanner.plan(
            0,
            List.of(vm("a", 2000, 2, 1, 1), vm("b", 1000, 3, 1, 1), vm("c", 10, 2, 1, 1)),
            Map.of(
                1, new DrainPlanner.Room(1, 8 * GIB),
                2, new DrainPlanner.Room(0, 8 * GIB),
                3, new DrainPlanner.Room(1, 8 * GIB)),
            topology,
            weights);
    assertEquals(3, plan.moves().get(0).toHost(), "a: its peer's host is full, the rack mate");
    assertEquals(1, plan.moves().get(1).toHost(), "b: host 3 was taken by a");
    assertEquals(-1, plan.moves().get(2).toHost(), "c: no room anywhere");
  }

  @Test
  void aHostWithoutMemoryShouldNotBeChosen() {
    final DrainPlanner.Plan plan =
        DrainPlanner.plan(
            0,
            List.of(vm("a", 2000, 2, 1, 1)),
            Map.of(2, new DrainPlanner.Room(4, GIB / 2), 1, new DrainPlanner.Room(1, 2 * GIB)),
            topology,
            weights);
    assertEquals(1, plan.moves().get(0).toHost());
  }
}
