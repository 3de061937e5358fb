package score.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import score.core.ring.TokenWork;
import score.protocol.TokenPolicy;

/**
 * The ring's loop is exception-safe: token work that throws is counted, logged and passed over, and
 * the token goes on; so do faults in other tasks run on the ring's thread.
 */
@Tag("cluster")
class RingErrorsTest {
  private LoopbackCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void tokenWorkThatThrowsOnceShouldBeCountedOnceAndTheRingShouldGoOn() throws Exception {
    cluster = new LoopbackCluster(3, TokenPolicy.ROUND_ROBIN, Duration.ofMillis(200));
    final AtomicBoolean thrown = new AtomicBoolean();
    final AtomicLong holdsAfterFault = new AtomicLong();
    cluster.work =
        host ->
            new TokenWork() {
              @Override
              public score.protocol.Token hold(
                  final score.protocol.Token token,
                  final boolean mayAct,
                  final long leaseUntilNanos,
                  final long nowNanos) {
                if (host == 2 && thrown.compareAndSet(false, true)) {
                  throw new IllegalStateException("a fault injected by the test");
                }
                if (thrown.get()) {
                  holdsAfterFault.incrementAndGet();
                }
                return mayAct ? token.advanced(token.position()) : null;
              }
            };
    cluster.startAll();
    assertTrue(
        LoopbackCluster.await(Duration.ofSeconds(10), () -> holdsAfterFault.get() >= 10),
        "the token went round after the fault: " + holdsAfterFault.get() + " holds");
    assertTrue(thrown.get(), "host 2 held the token and threw");
    assertEquals(1, cluster.agent(2).errors(), "one fault counted at host 2");
    assertEquals(0, cluster.agent(1).errors() + cluster.agent(3).errors(), "none elsewhere");
    assertEquals(1, cluster.created.get(), "the token was passed on, not lost and regenerated");
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    cluster.agent(2).bindMetrics(registry);
    assertTrue(
        registry.scrape().contains("score_ring_errors_total 1.0"),
        "the metric reads 1:\n" + registry.scrape());
  }

  @Test
  void aTaskThatThrowsOnTheRingThreadShouldLeaveTheLoopRunning() throws Exception {
    cluster = new LoopbackCluster(3, TokenPolicy.ROUND_ROBIN, Duration.ofMillis(200));
    final AtomicLong holds = new AtomicLong();
    cluster.work =
        host ->
            (token, mayAct, leaseUntilNanos, nowNanos) -> {
              holds.incrementAndGet();
              return mayAct ? token.advanced(token.position()) : null;
            };
    cluster.startAll();
    assertTrue(LoopbackCluster.await(Duration.ofSeconds(10), () -> holds.get() > 3));
    cluster
        .agent(1)
        .runOnRing(
            () -> {
              throw new IllegalStateException("a fault injected by the test");
            });
    assertTrue(LoopbackCluster.await(Duration.ofSeconds(5), () -> cluster.agent(1).errors() == 1));
    final long before = holds.get();
    assertTrue(
        LoopbackCluster.await(Duration.ofSeconds(10), () -> holds.get() > before + 10),
        "the ring went on");
    assertEquals(1, cluster.created.get(), "one token throughout");
  }
}
