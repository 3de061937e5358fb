package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Eq. 1 and eq. 2 on allocations small enough to check by hand. Fan-out 2,2: racks {0,1} and {2,3};
 * weights c_1 = 1, c_2 = e, so a level-1 pair costs 1 and a level-2 pair 1 + e per byte/s.
 */
class MigrationDeciderTest {
  private static final Topology TOPOLOGY = Topology.fanout(2, 2);
  private static final LinkWeights WEIGHTS = LinkWeights.of(1, Math.E);
  private static final long GIB = 1L << 30;

  /** VM u = 0 talks to b = 1 at 10 B/s and to c = 2 at 5 B/s. */
  private static final NeighbourTraffic TRAFFIC =
      new NeighbourTraffic() {
        @Override
        public int count() {
          return 2;
        }

        @Override
        public int vm(final int index) {
          return index + 1;
        }

        @Override
        public double bytesPerSecond(final int index) {
          return index == 0 ? 10 : 5;
        }
      };

  private static HostRoom room(final Map<Integer, Integer> freeSlots, final long freeMemory) {
    return new HostRoom() {
      @Override
      public int freeSlots(final int host) {
        return freeSlots.getOrDefault(host, 4);
      }

      @Override
      public long freeMemoryBytes(final int host) {
        return freeMemory;
      }
    };
  }

  @Test
  void costAndGainShouldMatchEquationsOneAndTwo() {
    // u on host 0, b on host 1 (level 1), c on host 2 (level 2).
    final VmLocator locator = vm -> vm == 1 ? 1 : 2;
    final Decision decision =
        new MigrationDecider(TOPOLOGY, WEIGHTS, MigrationDecider.CandidateRule.PAPER)
            .decide(0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.ZERO);
    // C(u) = 10·1 + 5·(1 + e).
    assertEquals(10 + 5 * (1 + Math.E), decision.costBefore(), 1e-9);
    // Host 2 comes first (u's cost with c, 5(1+e) = 18.6, beats 10 with b) but moving there
    // gains 2[10(1 − (1+e)) + 5(1+e)] < 0; host 1 gains 2[10·1 + 5·0] = 20.
    assertTrue(decision.migrates());
    assertEquals(1, decision.toHost());
    assertEquals(20, decision.gain(), 1e-9);
    assertEquals(2, decision.candidates());
    assertEquals(2, TokenEntry.level(decision.tokenEntry()));
  }

  @Test
  void aMigrationCostAboveTheGainShouldKeepTheVmWhereItIs() {
    final VmLocator locator = vm -> vm == 1 ? 1 : 2;
    final MigrationDecider decider = new MigrationDecider(TOPOLOGY, WEIGHTS);
    assertFalse(
        decider
            .decide(
                0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.absolute(20))
            .migrates());
    assertTrue(
        decider
            .decide(
                0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.absolute(19.9))
            .migrates());
    // As a fraction of 2·C(u) = 2(10 + 5(1+e)) ≈ 57.2: 20 / 57.2 ≈ 0.35.
    assertFalse(
        decider
            .decide(
                0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.fraction(0.36))
            .migrates());
    assertTrue(
        decider
            .decide(
                0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.fraction(0.34))
            .migrates());
  }

  @Test
  void aHostWithoutASlotOrMemoryShouldNeverBeChosen() {
    final VmLocator locator = vm -> vm == 1 ? 1 : 2;
    final MigrationDecider decider =
        new MigrationDecider(TOPOLOGY, WEIGHTS, MigrationDecider.CandidateRule.PAPER);
    assertFalse(
        decider
            .decide(0, 0, GIB, TRAFFIC, locator, room(Map.of(1, 0), 4 * GIB), MigrationCost.ZERO)
            .migrates());
    assertFalse(
        decider
            .decide(0, 0, GIB, TRAFFIC, locator, room(Map.of(), GIB - 1), MigrationCost.ZERO)
            .migrates());
  }

  @Test
  void rackAwareRuleShouldUseARackMateWhenTheNeighboursHostIsFull() {
    // u on host 0, b and c both on host 2 (level 2), host 2 full, host 3 (its rack mate) free.
    final VmLocator locator = vm -> 2;
    final HostRoom hostTwoFull = room(Map.of(2, 0), 4 * GIB);
    final Decision paper =
        new MigrationDecider(TOPOLOGY, WEIGHTS, MigrationDecider.CandidateRule.PAPER)
            .decide(0, 0, GIB, TRAFFIC, locator, hostTwoFull, MigrationCost.ZERO);
    assertFalse(paper.migrates());
    final Decision rackAware =
        new MigrationDecider(TOPOLOGY, WEIGHTS, MigrationDecider.CandidateRule.RACK_AWARE)
            .decide(0, 0, GIB, TRAFFIC, locator, hostTwoFull, MigrationCost.ZERO);
    assertEquals(3, rackAware.toHost());
    // From level 2 to level 1 for 15 B/s: 2·15·e.
    assertEquals(2 * 15 * Math.E, rackAware.gain(), 1e-9);
  }

  @Test
  void unknownNeighboursShouldBeLeftOutOfTheCost() {
    final VmLocator locator = vm -> vm == 1 ? 1 : VmLocator.UNKNOWN;
    final Decision decision =
        new MigrationDecider(TOPOLOGY, WEIGHTS)
            .decide(0, 0, GIB, TRAFFIC, locator, room(Map.of(), 4 * GIB), MigrationCost.ZERO);
    assertEquals(10, decision.costBefore(), 1e-9);
    assertEquals(1, decision.toHost());
  }
}
