package score.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;

class SimulatorTest {
  private static final long GIB = 1L << 30;

  @Test
  void overallCostShouldCountEveryPairFromBothEnds() {
    final Topology topology = Topology.fanout(2, 2);
    final LinkWeights weights = LinkWeights.of(1, Math.E);
    final TrafficMatrix traffic =
        new TrafficMatrix.Builder(3).add(0, 1, 6).add(1, 0, 4).add(0, 2, 5).build();
    final Allocation allocation =
        new Allocation(4, 2, 2 * GIB, new int[] {0, 1, 2}, new long[] {GIB, GIB, GIB});
    // λ(0,1) = 10 at level 1, λ(0,2) = 5 at level 2; eq. 1 sums each pair from both ends.
    assertEquals(
        2 * (10 * 1 + 5 * (1 + Math.E)),
        OverallCost.of(traffic, allocation, topology, weights),
        1e-9);
    assertEquals(2, traffic.pairs());
  }

  @Test
  void eachMigrationShouldLowerTheOverallCostByItsGain() {
    final Topology topology = Topology.fanout(4, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(3);
    final SimInstances.Instance instance = SimInstances.random(topology, 128, 8, 400, 7);
    final Simulator simulator = new Simulator(topology, weights, instance.traffic());
    for (final TokenPolicy policy : TokenPolicy.values()) {
      final Simulator.Run run = simulator.run(policy, instance.allocation(), 4, MigrationCost.ZERO);
      for (int round = 1; round < run.costPerRound().length; round++) {
        assertTrue(run.costPerRound()[round] <= run.costPerRound()[round - 1], policy + " rose");
      }
      assertTrue(run.migrations() > 0);
      for (int host = 0; host < topology.hosts(); host++) {
        assertTrue(run.finalAllocation().vmsOn(host) <= 8, "host " + host + " overfilled");
      }
    }
  }

  @Test
  void aRisingMigrationCostShouldLowerTheReductionAsInFigure2c() {
    final Topology topology = Topology.fanout(20, 16, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(4);
    final Allocation initial = Allocation.filled(topology.hosts(), 8, 16, 1L << 30);
    final TrafficMatrix traffic =
        new TrafficGenerator(TrafficProfile.DEFAULTS).generate(topology, initial, 3);
    final Simulator simulator = new Simulator(topology, weights, traffic);
    double previous = Double.MAX_VALUE;
    final double[] fractions = {0, 0.1, 0.2, 0.4, 0.8};
    final double[] reductions = new double[fractions.length];
    for (int i = 0; i < fractions.length; i++) {
      final Simulator.Run run =
          simulator.run(TokenPolicy.DISTRIBUTED, initial, 5, MigrationCost.fraction(fractions[i]));
      reductions[i] = 1 - run.finalCost() / run.costPerRound()[0];
      assertTrue(reductions[i] <= previous + 0.02, "c_m " + fractions[i] + ": " + reductions[i]);
      previous = reductions[i];
    }
    assertTrue(reductions[0] > 0.3, "no c_m: " + reductions[0]);
    assertTrue(reductions[4] < reductions[0] / 2, Arrays.toString(reductions));
  }

  @Test
  void theGeneratorShouldBeSeededAndMatchItsSources() {
    final Topology topology = Topology.fanout(20, 16, 4, 2);
    final Allocation allocation = Allocation.filled(topology.hosts(), 8, 16, 1L << 30);
    final TrafficGenerator generator = new TrafficGenerator(TrafficProfile.DEFAULTS);
    final TrafficMatrix a = generator.generate(topology, allocation, 42);
    final TrafficMatrix b = generator.generate(topology, allocation, 42);
    assertEquals(a.pairs(), b.pairs());
    assertEquals(a.load(123), b.load(123), 0);
    // Median correspondents of a VM: about 2 in its rack and 4 outside (Kandula et al.).
    final int[] inRack = new int[a.vms()];
    final int[] outside = new int[a.vms()];
    for (int vm = 0; vm < a.vms(); vm++) {
      for (int e = a.rowStart(vm); e < a.rowStart(vm + 1); e++) {
        final boolean sameRack =
            topology.rackOf(allocation.hostOf(vm))
                == topology.rackOf(allocation.hostOf(a.neighbour(e)));
        if (sameRack) {
          inRack[vm]++;
        } else {
          outside[vm]++;
        }
      }
    }
    Arrays.sort(inRack);
    Arrays.sort(outside);
    final int medianInRack = inRack[inRack.length / 2];
    final int medianOutside = outside[outside.length / 2];
    assertTrue(medianInRack >= 1 && medianInRack <= 3, "in rack " + medianInRack);
    assertTrue(medianOutside >= 3 && medianOutside <= 6, "outside " + medianOutside);
  }
}
