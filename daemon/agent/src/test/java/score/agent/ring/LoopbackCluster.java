package score.agent.ring;

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
import score.core.ring.RingEvents;
import score.core.ring.RingSettings;
import score.core.ring.SimulatedRing;
import score.core.ring.TokenWork;
import score.protocol.ClusterKey;
import score.protocol.RejectionCounters;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * Agents on loopback with real sockets and one shared observer: every accepted token is recorded
 * per host, and every migration start checks that no other host may act at that instant (one JVM,
 * one clock, so the check is exact).
 */
final class LoopbackCluster implements AutoCloseable {
  final int size;
  final ClusterKey key = ClusterKey.generate();
  final RejectionCounters rejections = new RejectionCounters();
  final AtomicLongArray mayActUntil;
  final java.util.concurrent.atomic.AtomicIntegerArray mayActNow;
  final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<long[]> accepted = new ConcurrentLinkedQueue<>();
  final AtomicLong acts = new AtomicLong();
  final AtomicLong created = new AtomicLong();
  final AtomicLongArray lastActNanos;
  private final List<Integer> members = new ArrayList<>();
  private final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
  private final RingAgent[] agents;
  private final TokenPolicy policy;

  /** What each host does with the token; by default the acting observer of {@link #workOf}. */
  java.util.function.IntFunction<TokenWork> work = this::workOf;

  private final Duration lease;

  LoopbackCluster(final int size, final TokenPolicy policy, final Duration lease)
      throws IOException {
    this.size = size;
    this.policy = policy;
    this.lease = lease;
    this.mayActUntil = new AtomicLongArray(size + 1);
    this.mayActNow = new java.util.concurrent.atomic.AtomicIntegerArray(size + 1);
    this.lastActNanos = new AtomicLongArray(size + 1);
    this.agents = new RingAgent[size + 1];
    final java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int host = 1; host <= size; host++) {
      members.add(host);
      int port = freePort();
      while (!ports.add(port)) {
        port = freePort();
      }
      addresses.put(host, new InetSocketAddress("127.0.0.1", port));
    }
  }

  RingSettings settings(final int host) {
    return new RingSettings(
        host,
        members,
        Duration.ofSeconds(1),
        Duration.ofMillis(50),
        Duration.ofMillis(50),
        Duration.ofMillis(300),
        lease,
        0.05);
  }

  InetSocketAddress address(final int host) {
    return addresses.get(host);
  }

  /** Starts (or restarts, as a fresh process would) the agent of {@code host}. */
  void start(final int host, final ClusterKey keyOfHost) throws InterruptedException {
    final Map<Integer, InetSocketAddress> peers = new HashMap<>(addresses);
    peers.remove(host);
    final RingEvents events =
        new RingEvents() {
          @Override
          public void accepted(final int at, final Token token, final long nowNanos) {
            accepted.add(new long[] {at, token.epoch(), token.sequence(), nowNanos});
          }

          @Override
          public void created(final int at, final Token token, final long nowNanos) {
            created.incrementAndGet();
            accepted.add(new long[] {at, token.epoch(), token.sequence(), nowNanos});
          }
        };
    agents[host] =
        new RingAgent(
            settings(host),
            addresses.get(host),
            peers,
            keyOfHost,
            rejections,
            work.apply(host),
            events,
            () -> SimulatedRing.initialToken(policy));
    agents[host].start();
  }

  void startAll() throws InterruptedException {
    for (int host = 1; host <= size; host++) {
      start(host, key);
    }
  }

  /** Kills the agent of {@code host}: its sockets close, its memory is gone. */
  void kill(final int host) {
    agents[host].close();
    agents[host] = null;
    mayActNow.set(host, 0);
  }

  RingAgent agent(final int host) {
    return agents[host];
  }

  /** The host holding the token now, or -1. */
  int holder() {
    for (int host = 1; host <= size; host++) {
      if (agents[host] != null && agents[host].status().holding()) {
        return host;
      }
    }
    return -1;
  }

  private TokenWork workOf(final int host) {
    return (token, mayAct, leaseUntil, now) -> {
      if (mayAct) {
        mayActUntil.set(host, leaseUntil);
        mayActNow.set(host, 1);
        for (int other = 1; other <= size; other++) {
          if (other != host && mayActNow.get(other) == 1 && now - mayActUntil.get(other) < 0) {
            violations.add("host " + host + " acts while host " + other + " may act");
          }
        }
        acts.incrementAndGet();
        lastActNanos.set(host, now);
        // About to hand over: this host may not act on this token any more.
        mayActNow.set(host, 0);
        return token.advanced((token.position() + 1) % token.vmCount());
      }
      return null;
    };
  }

  /** Waits until {@code condition} holds, at most {@code timeout}. */
  static boolean await(final Duration timeout, final java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static final java.util.Random PORTS = new java.util.Random();

  /**
   * A free port below Linux's ephemeral range (32768-60999), so that no outgoing connection takes
   * it while a killed agent is down and the restarted agent can bind it again.
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      final int port = 20_000 + PORTS.nextInt(10_000);
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (final IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-29999");
  }

  @Override
  public void close() {
    for (int host = 1; host <= size; host++) {
      if (agents[host] != null) {
        agents[host].close();
      }
    }
  }
}
