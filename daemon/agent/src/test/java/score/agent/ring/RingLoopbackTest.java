package score.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import score.protocol.TokenPolicy;

/**
 * Twenty agents on loopback, real sockets and authenticated frames, passing the token for 100
 * rotations under each policy. An observer records every accepted token per host, and every
 * migration start checks that no other host may act at that instant.
 */
@Tag("cluster")
class RingLoopbackTest {
  private static final int AGENTS = 20;
  private static final int ROTATIONS = 100;

  @ParameterizedTest
  @EnumSource(TokenPolicy.class)
  void twentyAgentsShouldPassOneTokenForAHundredRotations(final TokenPolicy policy)
      throws Exception {
    final LoopbackCluster observer = new LoopbackCluster(AGENTS, policy, Duration.ofMillis(200));
    try {
      observer.startAll();
      final long hops = (long) ROTATIONS * AGENTS;
      assertTrue(
          LoopbackCluster.await(Duration.ofSeconds(150), () -> observer.accepted.size() >= hops),
          "only " + observer.accepted.size() + " of " + hops + " hops before the deadline");
    } finally {
      observer.close();
    }
    assertEquals(List.of(), new ArrayList<>(observer.violations));
    assertEquals(1, observer.created.get(), "one token, created once");
    // One live token: every accepted (epoch, sequence) is new, and they come in order.
    long lastEpoch = -1;
    long lastSequence = -1;
    final int[] visits = new int[AGENTS + 1];
    for (final long[] accept : observer.accepted) {
      assertTrue(
          accept[1] > lastEpoch || (accept[1] == lastEpoch && accept[2] > lastSequence),
          "token ("
              + accept[1]
              + ", "
              + accept[2]
              + ") accepted after ("
              + lastEpoch
              + ", "
              + lastSequence
              + ")");
      lastEpoch = accept[1];
      lastSequence = accept[2];
      visits[(int) accept[0]]++;
    }
    for (int host = 1; host <= AGENTS; host++) {
      assertTrue(
          visits[host] >= ROTATIONS - 1, "host " + host + " held it " + visits[host] + " times");
    }
    assertTrue(observer.acts.get() >= (long) ROTATIONS * AGENTS - AGENTS);
    assertEquals(0, observer.rejections.total());
  }
}
