package score.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import score.protocol.TokenPolicy;

/** The ring's safety and liveness on a simulated network, in virtual time. */
class RingNodeSimulationTest {
  private static final long MS = SimulatedRing.MS;
  private static final long SECOND = 1_000 * MS;

  @Test
  void aQuietRingShouldCreateOneTokenAndEveryHostShouldAct() {
    final SimulatedRing ring = new SimulatedRing(5, 1, TokenPolicy.LOAD_AWARE);
    ring.runUntil(60 * SECOND);
    assertEquals(1, ring.tokensCreated, "one token, created once");
    assertTrue(ring.actsCount > 40, "acts: " + ring.actsCount);
    assertEquals(java.util.List.of(), ring.violations);
    assertEquals(1, ring.mostHoldersDuring(5 * SECOND));
  }

  @Test
  void theTokenShouldGoWhereTheWorkAsksAndAroundHostsThatAreDown() {
    final SimulatedRing ring = new SimulatedRing(5, 3, TokenPolicy.ROUND_ROBIN);
    // Each holder asks for the host two further on, as the host of the next VM would be.
    ring.preferredNext = host -> (host + 2) % 5;
    ring.runUntil(20 * SECOND);
    int asked = 0;
    for (int i = 1; i < ring.holders.size(); i++) {
      if ((ring.holders.get(i) - ring.holders.get(i - 1) + 5) % 5 == 2) {
        asked++;
      }
    }
    assertTrue(ring.holders.size() > 20, "holds: " + ring.holders.size());
    assertTrue(asked >= 0.9 * (ring.holders.size() - 1), "went where asked: " + ring.holders);
    ring.crash(2);
    ring.runUntil(25 * SECOND);
    ring.holders.clear();
    ring.runUntil(45 * SECOND);
    assertTrue(ring.holders.size() > 20, "the token goes on: " + ring.holders);
    assertTrue(!ring.holders.contains(2), "never to the host that is down");
    assertTrue(ring.holders.contains(1), "ring order around it: " + ring.holders);
    assertEquals(1, ring.tokensCreated, "one token throughout");
    assertEquals(java.util.List.of(), ring.violations);
  }

  @Test
  void clocksThatWrapAroundShouldChangeNothing() {
    // Every host's clock passes Long.MAX_VALUE between 3 and 4 s into the run: deadlines compare
    // by subtraction, so leases, promises and claims go on as before.
    final SimulatedRing ring =
        new SimulatedRing(5, 1, TokenPolicy.LOAD_AWARE, Long.MAX_VALUE - 4 * SECOND);
    ring.runUntil(60 * SECOND);
    assertTrue(ring.local(0) < 0, "the clocks have wrapped");
    assertEquals(1, ring.tokensCreated, "one token, created once");
    assertTrue(ring.actsCount > 40, "acts: " + ring.actsCount);
    assertEquals(java.util.List.of(), ring.violations);
    assertEquals(1, ring.mostHoldersDuring(5 * SECOND));
  }

  @Property(tries = 300)
  void noTwoHostsShouldEverActAtOnceWhateverFails(
      @ForAll final long seed, @ForAll @IntRange(min = 3, max = 7) final int hosts) {
    faultsThenHealing(seed, hosts);
  }

  /**
   * A sample the property once found (CI, 2026-12-03): a handover's acknowledgement and its retry's
   * refusal were both lost, so two hosts held one (epoch, sequence), the others' promises split
   * between them and the healed ring never acted again. The lower copy now stands down.
   */
  @Test
  void twoHoldersOfOneCopyShouldNotStallTheHealedRing() {
    faultsThenHealing(-398, 6);
  }

  private static void faultsThenHealing(final long seed, final int hosts) {
    final SimulatedRing ring = new SimulatedRing(hosts, seed, TokenPolicy.DISTRIBUTED);
    final java.util.Random faults = new java.util.Random(seed);
    ring.lossProbability = 0.05;
    for (int phase = 0; phase < 30; phase++) {
      final int host = faults.nextInt(hosts);
      switch (faults.nextInt(5)) {
        case 0 -> ring.crash(host);
        case 1 -> ring.restart(host, TokenPolicy.DISTRIBUTED);
        case 2 -> ring.partition(host, 1 + faults.nextInt(2));
        case 3 -> ring.heal();
        default -> ring.lossProbability = faults.nextDouble() * 0.3;
      }
      ring.runUntil(ring.now + (200 + faults.nextInt(3_000)) * MS);
    }
    // Heal everything: the ring must come back to one token that acts.
    ring.heal();
    ring.lossProbability = 0;
    for (int host = 0; host < hosts; host++) {
      if (!ring.up[host]) {
        ring.restart(host, TokenPolicy.DISTRIBUTED);
      }
    }
    ring.runUntil(ring.now + 10 * SECOND);
    final long actsBefore = ring.actsCount;
    ring.runUntil(ring.now + 20 * SECOND);
    assertEquals(java.util.List.of(), ring.violations);
    assertTrue(ring.actsCount > actsBefore, "the healed ring acts again");
    assertEquals(1, ring.mostHoldersDuring(5 * SECOND), "one token after healing");
  }

  @Test
  void theMajoritySideShouldRegainATokenAndTheMinoritySideHold() {
    final SimulatedRing ring = new SimulatedRing(5, 7, TokenPolicy.ROUND_ROBIN);
    ring.runUntil(10 * SECOND);
    // Cut hosts 1 and 2 off from 3, 4 and 5.
    ring.partition(0, 1);
    ring.partition(1, 1);
    ring.runUntil(ring.now + 5 * SECOND);
    final long[] actsPerHost = new long[5];
    final long checkpoint = ring.now;
    ring.runUntil(ring.now + 20 * SECOND);
    for (final long[] act : ring.acts) {
      if (act[1] > checkpoint) {
        actsPerHost[(int) act[0]]++;
      }
    }
    assertEquals(0, actsPerHost[0] + actsPerHost[1], "the minority never acts");
    assertTrue(actsPerHost[2] + actsPerHost[3] + actsPerHost[4] > 0, "the majority acts");
    assertTrue(!ring.nodes[0].quorum(ring.local(0)), "host 1 knows it has no quorum");
    assertTrue(ring.nodes[2].quorum(ring.local(2)));
    ring.heal();
    ring.runUntil(ring.now + 20 * SECOND);
    assertEquals(java.util.List.of(), ring.violations);
  }
}
