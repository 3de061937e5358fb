package score.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.core.ring.PassOnWork;
import score.core.ring.RingSettings;
import score.protocol.TokenPolicy;

/**
 * A ring paced slower than its rotation bound (five agents on loopback, each holding the idle token
 * for 400 ms: one round takes 2 s, the bound is 1.25 s): no host mistakes the slow token for a lost
 * one, and a holder that dies is still replaced within the bound.
 */
@Tag("cluster")
class PacedRingTest {
  private static final Duration HOLD = Duration.ofMillis(400);
  private LoopbackCluster cluster;

  @BeforeEach
  void startRing() throws Exception {
    cluster = new LoopbackCluster(5, TokenPolicy.ROUND_ROBIN, Duration.ofMillis(200));
    cluster.work = host -> new PassOnWork(HOLD.toNanos(), Duration.ofMillis(400).toNanos());
    cluster.startAll();
    assertTrue(LoopbackCluster.await(Duration.ofSeconds(10), () -> cluster.created.get() == 1));
  }

  @AfterEach
  void stopRing() {
    cluster.close();
  }

  @Test
  void aSlowIdleTokenShouldNeverBeTakenForALostOne() throws Exception {
    final RingSettings settings = cluster.settings(1);
    assertTrue(HOLD.multipliedBy(5).compareTo(settings.rotationBound()) > 0, "paced slower");
    final int acceptedBefore = cluster.accepted.size();
    Thread.sleep(6_000);
    assertEquals(1, cluster.created.get(), "no host claimed a new token while it went round");
    final int hops = cluster.accepted.size() - acceptedBefore;
    assertTrue(hops >= 8 && hops <= 20, "about one hop per 400 ms, not a spin: " + hops);
  }

  @Test
  void aDeadHolderOfASlowTokenShouldStillBeReplacedWithinTheBound() throws Exception {
    final RingSettings settings = cluster.settings(1);
    final long boundMillis =
        settings.rotationBound().toMillis()
            + settings.members().size() * settings.rotationPerHost().toMillis()
            + 4 * settings.lease().toMillis()
            + 1_000;
    // The holder is read, then killed; if the token had just left it, the ring goes on with the
    // same token, the victim is revived and another try made.
    for (int attempt = 0; attempt < 5; attempt++) {
      final int holder = cluster.holder();
      if (holder < 0) {
        Thread.sleep(20);
        continue;
      }
      final long createdBefore = cluster.created.get();
      final long killedAt = System.nanoTime();
      cluster.kill(holder);
      final boolean replaced =
          LoopbackCluster.await(
              Duration.ofMillis(boundMillis), () -> cluster.created.get() > createdBefore);
      if (replaced) {
        final long recoveryMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertTrue(recoveryMillis < boundMillis, "recovered in " + recoveryMillis + " ms");
        assertEquals(createdBefore + 1, cluster.created.get(), "exactly one new token");
        return;
      }
      final boolean movedOn =
          cluster.accepted.stream().anyMatch(a -> a[0] != holder && a[3] > killedAt);
      assertTrue(movedOn, "neither replaced nor passed on: the token is lost");
      cluster.start(holder, cluster.key);
      Thread.sleep(1_000);
    }
    throw new AssertionError("never caught the holder holding");
  }
}
