package score.sim;

import score.core.decision.Decision;
import score.core.decision.Holder;
import score.core.decision.LinkWeights;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourhoodCost;
import score.core.decision.TokenEntry;
import score.core.decision.TokenOrder;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;

/**
 * S-CORE in a model data centre: the token visits every VM once per round in its policy's order,
 * and the host holding it runs the agent's own {@link MigrationDecider} against the model (the
 * allocation answers location and capacity probes; migrations complete at once).
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

  private TrafficMatrix trafficOf(final int round) {
    return schedule.round(round);
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
    final Allocation allocation = initial.copy();
    final int vms = trafficOf(0).vms();
    final int[] ids = new int[vms];
    for (int vm = 0; vm < vms; vm++) {
      ids[vm] = vm;
    }
    OverallCost.Row row = new OverallCost.Row(trafficOf(0));
    final byte[] entries = trueEntries(policy, row, vms, allocation, topology, weights);
    final MigrationDecider decider = new MigrationDecider(topology, weights, rule);
    final double[] costs = new double[rounds + 1];
    final double[] startCosts = new double[rounds];
    final int[] migrations = new int[rounds];
    // The agent's holder, with the model answering every probe at once and moves applied at once.
    final Holder[] holder = new Holder[1];
    holder[0] =
        new Holder(
            decider,
            allocation,
            allocation,
            (visit, decision) -> {
              allocation.move(decision.vm(), decision.toHost());
              holder[0].migrationEnded(visit, true, "moved in the model");
            },
            new Holder.Settings(1, 1, 1, migrationCost, false));
    long visit = 0;
    costs[0] = OverallCost.of(trafficOf(0), allocation, topology, weights);
    TrafficMatrix previous = trafficOf(0);
    for (int round = 0; round < rounds; round++) {
      final TrafficMatrix traffic = trafficOf(round);
      if (traffic != previous) {
        row = new OverallCost.Row(traffic);
        previous = traffic;
      }
      startCosts[round] =
          round == 0 ? costs[0] : OverallCost.of(traffic, allocation, topology, weights);
      final int[] order = TokenOrder.order(policy, ids, entries);
      for (final int vm : order) {
        final Holder.Phase phase =
            holder[0].begin(
                ++visit, vm, allocation.hostOf(vm), allocation.memoryBytes(vm), row.of(vm), 0);
        if (phase != Holder.Phase.DONE) {
          throw new IllegalStateException("the model answers at once, yet the holder is " + phase);
        }
        final Decision decision = holder[0].decision().orElseThrow();
        if (decision.migrates()) {
          migrations[round]++;
        }
        entries[vm] = decision.entryFor(policy);
      }
      costs[round + 1] = OverallCost.of(traffic, allocation, topology, weights);
    }
    return new Run(policy, costs, startCosts, migrations, allocation);
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
