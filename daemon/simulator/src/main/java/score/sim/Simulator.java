package score.sim;

import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourhoodCost;
import score.core.decision.TokenEntry;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;

/**
 * S-CORE in a model data centre: every host runs the agent's own host token loop, and the token
 * goes from host to host ({@link RingOfHosts}, worked in place and encoded once per rotation, so a
 * million hosts run in seconds). A round is one rotation of the token: every VM visited once in its
 * policy's order, its holder deciding with the agent's {@link MigrationDecider} against the model
 * (the allocation answers location and capacity probes when asked; migrations complete at once).
 *
 * <p>The token's entries start from the VMs' true levels and loads, as after one rotation in which
 * every host filled in its VMs; afterwards an entry changes only when its VM holds the token, as in
 * the agent: for the global policy it is the VM's highest pairwise cost as its last visit saw it
 * ({@link TokenEntry#packPairCost}), the same byte the agents carry on the token.
 */
public final class Simulator {
  private final Topology topology;
  private final LinkWeights weights;
  private final TrafficSchedule schedule;
  private final MigrationDecider.CandidateRule rule;

  /** Traffic that does not change, and the rack-aware candidate rule. */
  public Simulator(
      final Topology topology, final LinkWeights weights, final TrafficMatrix traffic) {
    this(
        topology,
        weights,
        TrafficSchedule.constant(traffic),
        MigrationDecider.CandidateRule.RACK_AWARE);
  }

  /**
   * @param schedule the traffic during each round (new flows appear between rounds, Fig. 2b)
   */
  public Simulator(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final MigrationDecider.CandidateRule rule) {
    this.topology = topology;
    this.weights = weights;
    this.schedule = schedule;
    this.rule = rule;
  }

  /**
   * What a run produced; {@code costPerRound[0]} is the initial cost, {@code costPerRound[r]} the
   * cost at the end of round r, {@code costAtRoundStart[r - 1]} the cost when round r began (with
   * its new flows, before any move: the spikes of Fig. 2b).
   */
  public record Run(
      TokenPolicy policy,
      double[] costPerRound,
      double[] costAtRoundStart,
      int[] migrationsPerRound,
      Allocation finalAllocation) {
    public int migrations() {
      int total = 0;
      for (final int m : migrationsPerRound) {
        total += m;
      }
      return total;
    }

    public double finalCost() {
      return costPerRound[costPerRound.length - 1];
    }
  }

  /** Runs {@code rounds} rotations of the token from {@code initial} (which is not changed). */
  public Run run(
      final TokenPolicy policy,
      final Allocation initial,
      final int rounds,
      final MigrationCost migrationCost) {
    return new RingOfHosts(topology, weights, schedule, rule, RingOfHosts.Wire.EACH_ROTATION)
        .run(policy, initial, rounds, migrationCost);
  }

  /**
   * Each VM's token entry under {@code policy} where it runs in {@code allocation}: what its host
   * writes at its visit (level and load, or its highest pairwise cost for global).
   */
  static byte[] trueEntries(
      final TokenPolicy policy,
      final OverallCost.Row row,
      final int vms,
      final Allocation allocation,
      final Topology topology,
      final LinkWeights weights) {
    final NeighbourhoodCost neighbourhood = new NeighbourhoodCost(topology, weights);
    final byte[] entries = new byte[vms];
    for (int vm = 0; vm < vms; vm++) {
      neighbourhood.load(row.of(vm), allocation);
      final int host = allocation.hostOf(vm);
      entries[vm] =
          TokenEntry.forPolicy(
              policy,
              TokenEntry.pack(neighbourhood.highestLevelFrom(host), neighbourhood.load()),
              TokenEntry.packPairCost(neighbourhood.highestPairCostFrom(host)));
    }
    return entries;
  }
}
