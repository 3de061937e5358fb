package score.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopologyTest {
  @Test
  void fanoutLevelsShouldFollowTheIssuesRule() {
    // 2 hosts per rack, 2 racks per aggregation group, 2 groups: 8 hosts, levels 0..3.
    final Topology topology = Topology.fanout(2, 2, 2);
    assertEquals(8, topology.hosts());
    assertEquals(3, topology.maxLevel());
    assertEquals(0, topology.level(5, 5));
    assertEquals(1, topology.level(0, 1));
    assertEquals(2, topology.level(0, 2));
    assertEquals(2, topology.level(1, 3));
    assertEquals(3, topology.level(3, 4));
    assertEquals(3, topology.level(0, 7));
    assertEquals(1, topology.level(6, 7));
    assertEquals(4, topology.racks());
    assertEquals(3, topology.rackOf(7));
    assertEquals(6, topology.hostInRack(3, 0));
  }

  @Test
  void thePapersTreeShouldHave2560HostsIn128Racks() {
    final Topology topology = Topology.fanout(20, 16, 4, 2);
    assertEquals(2560, topology.hosts());
    assertEquals(128, topology.racks());
    assertEquals(4, topology.maxLevel());
    assertEquals(1, topology.level(0, 19));
    assertEquals(2, topology.level(0, 20));
    assertEquals(3, topology.level(0, 320));
    assertEquals(4, topology.level(0, 1280));
  }

  @Test
  void pathsShouldGiveTheSameLevelsAsTheEquivalentFanout() {
    final String[][] paths = new String[8][];
    for (int host = 0; host < 8; host++) {
      // Switch names repeat under different parents on purpose.
      paths[host] = new String[] {"tor" + (host / 2 % 2), "agg" + (host / 4)};
    }
    final Topology fromPaths = Topology.fromPaths(paths);
    final Topology fanout = Topology.fanout(2, 2, 2);
    for (int a = 0; a < 8; a++) {
      for (int b = 0; b < 8; b++) {
        assertEquals(fanout.level(a, b), fromPaths.level(a, b), a + "," + b);
      }
    }
  }

  @Test
  void impossibleFanoutsShouldBeRefused() {
    assertThrows(IllegalArgumentException.class, () -> Topology.fanout());
    assertThrows(IllegalArgumentException.class, () -> Topology.fanout(20, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> Topology.fanout(-1));
    assertThrows(IllegalArgumentException.class, () -> Topology.fanout(10_000, 10_000, 10));
  }

  @Test
  void paperWeightsShouldBeEToTheZeroOneThreeFive() {
    final LinkWeights weights = LinkWeights.paperDefaults(4);
    assertEquals(0, weights.pathCost(0));
    assertEquals(1, weights.pathCost(1), 1e-12);
    assertEquals(1 + Math.E, weights.pathCost(2), 1e-12);
    assertEquals(1 + Math.E + Math.exp(3), weights.pathCost(3), 1e-12);
    assertEquals(1 + Math.E + Math.exp(3) + Math.exp(5), weights.pathCost(4), 1e-12);
    assertEquals(Math.exp(7), LinkWeights.paperDefaults(5).weights()[4], 1e-9);
  }
}
