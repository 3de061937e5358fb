package score.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import score.core.decision.Decision;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourTraffic;
import score.core.decision.ProbeBook;
import score.core.decision.Topology;
import score.core.port.TrafficView;

/**
 * The simulator feeds the core through the same ports as the agent: traffic through {@link
 * TrafficView}, locations and capacity through the asynchronous probes, answered at once from the
 * model into the core's {@link ProbeBook}. The decisions equal those read from the model directly.
 */
class ProbedDecisionTest {
  @Test
  void decisionsThroughThePortsEqualDecisionsReadFromTheModel() {
    final Topology topology = Topology.fanout(4, 4, 2);
    final LinkWeights weights = LinkWeights.paperDefaults(3);
    final SimInstances.Instance instance = SimInstances.random(topology, 96, 4, 400, 7);
    final Allocation allocation = instance.allocation();
    final TrafficView traffic = new OverallCost.Row(instance.traffic());
    final MigrationDecider decider =
        new MigrationDecider(topology, weights, MigrationDecider.CandidateRule.PAPER);
    final ProbeBook book = new ProbeBook();
    final long start = Long.MAX_VALUE - 1_000;
    int moves = 0;
    for (int vm = 0; vm < instance.traffic().vms(); vm++) {
      final int host = allocation.hostOf(vm);
      final long memory = allocation.memoryBytes(vm);
      final NeighbourTraffic row = traffic.neighboursOf(vm);
      book.locate(vm, row, allocation, start, 1_000_000);
      assertTrue(book.locationsSettled(start), "the model answers every location at once");
      book.askCandidates(host, memory, allocation, start, 1_000_000);
      assertTrue(book.capacitySettled(start), "the model answers every capacity probe at once");
      final Decision probed = decider.decide(vm, host, memory, row, book, book, MigrationCost.ZERO);
      final Decision direct =
          decider.decide(
              vm,
              host,
              memory,
              traffic.neighboursOf(vm),
              allocation,
              allocation,
              MigrationCost.ZERO);
      assertEquals(direct, probed, "VM " + vm);
      if (probed.migrates()) {
        allocation.move(vm, probed.toHost());
        moves++;
      }
    }
    assertTrue(moves > 0, "the instance should give the decider something to move");
  }
}
