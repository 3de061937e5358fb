package score.daemon.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import score.protocol.ClusterKey;
import score.protocol.RejectionCounters;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * Twenty agents on loopback, real sockets and authenticated frames, passing the token for 100
 * rotations under each policy. An observer records every accepted token per host, and every
 * migration start checks that no other host may act at that instant.
 */
class RingLoopbackTest {
  private static final int AGENTS = 20;
  private static final int ROTATIONS = 100;

  /** Shared by all agents in this JVM: one clock, so the check is exact. */
  private static final class Observer implements RingEvents {
    final AtomicLongArray mayActUntil = new AtomicLongArray(AGENTS + 1);
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<long[]> accepted = new ConcurrentLinkedQueue<>();
    final AtomicLong acts = new AtomicLong();
    final AtomicLong created = new AtomicLong();

    @Override
    public void accepted(final int host, final Token token, final long nowNanos) {
      accepted.add(new long[] {host, token.epoch(), token.sequence(), nowNanos});
    }

    @Override
    public void created(final int host, final Token token, final long nowNanos) {
      created.incrementAndGet();
      accepted.add(new long[] {host, token.epoch(), token.sequence(), nowNanos});
    }

    TokenWork workOf(final int host) {
      return (token, leaseUntil, now) -> {
        if (now < leaseUntil) {
          mayActUntil.set(host, leaseUntil);
          for (int other = 1; other <= AGENTS; other++) {
            if (other != host && now < mayActUntil.get(other)) {
              violations.add("host " + host + " acts while host " + other + " may act");
            }
          }
          acts.incrementAndGet();
          // About to hand over: this host may not act on this token any more.
          mayActUntil.set(host, Long.MIN_VALUE);
          return token.advanced((token.position() + 1) % token.vmCount());
        }
        return null;
      };
    }
  }

  @ParameterizedTest
  @EnumSource(TokenPolicy.class)
  void twentyAgentsShouldPassOneTokenForAHundredRotations(final TokenPolicy policy)
      throws Exception {
    final List<Integer> members = new ArrayList<>();
    final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    for (int host = 1; host <= AGENTS; host++) {
      members.add(host);
      addresses.put(host, new InetSocketAddress("127.0.0.1", freePort()));
    }
    final ClusterKey key = ClusterKey.generate();
    final Observer observer = new Observer();
    final RejectionCounters rejections = new RejectionCounters();
    final List<RingAgent> agents = new ArrayList<>();
    try {
      for (int host = 1; host <= AGENTS; host++) {
        final RingSettings settings =
            new RingSettings(
                host,
                members,
                Duration.ofSeconds(2),
                Duration.ofMillis(50),
                Duration.ofMillis(50),
                Duration.ofMillis(300),
                Duration.ofMillis(200),
                0.05);
        final Map<Integer, InetSocketAddress> peers = new HashMap<>(addresses);
        peers.remove(host);
        final RingAgent agent =
            new RingAgent(
                settings,
                addresses.get(host),
                peers,
                key,
                rejections,
                observer.workOf(host),
                observer,
                () -> SimulatedRing.initialToken(policy));
        agent.start();
        agents.add(agent);
      }
      final long hops = (long) ROTATIONS * AGENTS;
      final long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      while (observer.accepted.size() < hops && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          observer.accepted.size() >= hops,
          "only " + observer.accepted.size() + " of " + hops + " hops before the deadline");
    } finally {
      for (final RingAgent agent : agents) {
        agent.close();
      }
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
    assertEquals(0, rejections.total());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
