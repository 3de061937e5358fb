package score.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;

/**
 * The paper's set-up (2,560 hosts in 128 racks of 20, 16 slots, 8 VMs per host, weights e^0, e^1,
 * e^3, e^5, c_m = 0) with the generator's defaults: every policy lowers the cost within 5 rounds
 * and none beats the reference; load-aware and distributed reach 90 % of the reference's reduction
 * and global 95 % (the targets; deterministic for the seed, no timing involved).
 */
class PaperSetupTest {
  @Test
  void everyPolicyShouldLowerTheCostAndStayAboveTheReference() {
    final Topology topology = Topology.fanout(20, 16, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(4);
    final Allocation initial = Allocation.filled(topology.hosts(), 8, 16, 1L << 30);
    final TrafficMatrix traffic =
        new TrafficGenerator(TrafficProfile.DEFAULTS).generate(topology, initial, 1);
    final Simulator simulator = new Simulator(topology, weights, traffic);
    final Simulator.Run[] runs =
        Arrays.stream(TokenPolicy.values())
            .map(policy -> simulator.run(policy, initial, 5, MigrationCost.ZERO))
            .toArray(Simulator.Run[]::new);
    final Reference.Result reference =
        new Reference(topology, weights, traffic)
            .compute(
                initial,
                Reference.Effort.GENETIC,
                1,
                Arrays.stream(runs).map(Simulator.Run::finalAllocation).toArray(Allocation[]::new));
    final double initialCost = runs[0].costPerRound()[0];
    final double referenceReduction = 1 - reference.cost() / initialCost;
    for (final Simulator.Run run : runs) {
      final double reduction = 1 - run.finalCost() / initialCost;
      System.out.printf(
          "%s: %.1f %% lower, %.1f %% of the reference's %.1f %%%n",
          run.policy(),
          100 * reduction,
          100 * reduction / referenceReduction,
          100 * referenceReduction);
      assertTrue(reduction > 0.25, run.policy() + " lowered the cost by only " + reduction);
      assertTrue(reference.cost() <= run.finalCost(), run.policy() + " beat the reference");
      final double target = run.policy() == TokenPolicy.GLOBAL ? 0.95 : 0.90;
      if (run.policy() != TokenPolicy.ROUND_ROBIN) {
        assertTrue(
            reduction >= target * referenceReduction,
            run.policy() + " reached only " + reduction / referenceReduction + " of the reference");
      }
    }
  }
}
