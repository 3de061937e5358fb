package score.core.ring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import score.protocol.Message;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * Many {@link RingNode}s on a simulated network in virtual time: per-message delay, loss, crashes
 * with restarts, partitions, and clocks that run at slightly different rates. Records every
 * migration start ("act") with the real-time span of the lease it rested on, and fails on the first
 * two that overlap.
 */
public final class SimulatedRing {
  static final long MS = 1_000_000;

  final int hosts;
  final Random random;
  final RingSettings[] settings;
  final RingNode[] nodes;
  final boolean[] up;
  final int[] side;
  final double[] clockRate;
  final long[] clockOffset;
  final List<long[]> acts = new ArrayList<>();
  final List<String> violations = new ArrayList<>();
  double lossProbability;

  /** Where each holder (host index) asks the token to go next (index), or -1: ring order. */
  java.util.function.IntUnaryOperator preferredNext = host -> -1;

  /** The host index of every hold, in order. */
  final List<Integer> holders = new ArrayList<>();

  long traceFrom = Long.MAX_VALUE;
  long now;
  long actsCount;
  long tokensCreated;
  private long sequence;
  private final PriorityQueue<long[]> queue =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
  private final List<Object> payloads = new ArrayList<>();
  private final long[] lastActEnd;
  private final long[][] heldSince;

  SimulatedRing(final int hosts, final long seed, final TokenPolicy policy) {
    this(hosts, seed, policy, 0);
  }

  /**
   * @param clockStart where the hosts' clocks start (each a few milliseconds apart): next to {@link
   *     Long#MAX_VALUE} they wrap around during the run
   */
  SimulatedRing(final int hosts, final long seed, final TokenPolicy policy, final long clockStart) {
    this.hosts = hosts;
    this.random = new Random(seed);
    this.settings = new RingSettings[hosts];
    this.nodes = new RingNode[hosts];
    this.up = new boolean[hosts];
    this.side = new int[hosts];
    this.clockRate = new double[hosts];
    this.clockOffset = new long[hosts];
    this.lastActEnd = new long[hosts];
    this.heldSince = new long[hosts][];
    final List<Integer> members = new ArrayList<>();
    for (int host = 1; host <= hosts; host++) {
      members.add(host);
    }
    for (int i = 0; i < hosts; i++) {
      settings[i] =
          new RingSettings(
              i + 1,
              members,
              Duration.ofMillis(1_000),
              Duration.ofMillis(50),
              Duration.ofMillis(100),
              Duration.ofMillis(150),
              Duration.ofMillis(400),
              0.05);
      // Clocks within 2 % of real time: two differ by less than the 5 % the settings allow.
      clockRate[i] = 1 + (random.nextDouble() - 0.5) * 0.04;
      clockOffset[i] = clockStart + random.nextInt(1_000) * MS;
      nodes[i] = newNode(i, policy);
      up[i] = true;
      nodes[i].start(local(i));
      schedule(random.nextInt(25) * MS, new Tick(i, nodes[i]));
    }
  }

  private RingNode newNode(final int i, final TokenPolicy policy) {
    return new RingNode(
        settings[i],
        (to, message) -> send(i, to - 1, message),
        new TokenWork() {
          @Override
          public Token hold(
              final Token token, final boolean mayAct, final long leaseUntil, final long nowLocal) {
            return SimulatedRing.this.hold(i, token, mayAct, leaseUntil, nowLocal);
          }

          @Override
          public int nextHost(final Token passed) {
            final int next = preferredNext.applyAsInt(i);
            return next < 0 ? -1 : next + 1;
          }
        },
        new RingEvents() {
          @Override
          public void created(final int host, final Token token, final long nowNanos) {
            tokensCreated++;
          }
        },
        () -> initialToken(policy));
  }

  /** A token of 32 VMs (10.0.0.0 upward) for {@code policy}, levels cycling 0..4. */
  public static Token initialToken(final TokenPolicy policy) {
    final int[] ids = new int[32];
    final byte[] levels = policy.carriesLevels() ? new byte[32] : null;
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 0x0A000000 + i;
      if (levels != null) {
        levels[i] = (byte) (i % 5);
      }
    }
    return new Token(policy, 0, 0, 0, 0, ids, levels);
  }

  long local(final int host) {
    return clockOffset[host] + (long) (now * clockRate[host]);
  }

  private long real(final int host, final long localNanos) {
    return (long) ((localNanos - clockOffset[host]) / clockRate[host]);
  }

  /** The work of a holder: act once per hold when the lease allows, then pass the token on. */
  private Token hold(
      final int host,
      final Token token,
      final boolean mayAct,
      final long leaseUntil,
      final long nowLocal) {
    if (mayAct) {
      final long start = now;
      final long end = real(host, leaseUntil);
      // Nobody else may be in a position to start a migration at this instant.
      for (int other = 0; other < hosts; other++) {
        if (other != host && up[other] && nodes[other].mayAct(local(other))) {
          if (violations.size() < 5) {
            violations.add(
                "host "
                    + (host + 1)
                    + " acts at "
                    + start / MS
                    + " ms while host "
                    + (other + 1)
                    + " may act too");
          }
        }
      }
      if (now >= traceFrom) {
        System.out.println(now / 1000 + "us ACT by " + (host + 1) + " " + token);
      }
      acts.add(new long[] {host, start, end});
      if (acts.size() > 64) {
        acts.remove(0);
      }
      actsCount++;
      holders.add(host);
      lastActEnd[host] = end;
      return token.advanced((token.position() + 1) % Math.max(1, token.vmCount()));
    }
    return null;
  }

  private record Tick(int host, RingNode node) {}

  private record Delivery(int from, int to, Message message, RingNode node) {}

  private void schedule(final long delay, final Object payload) {
    payloads.add(payload);
    queue.add(new long[] {now + delay, sequence++, payloads.size() - 1});
  }

  private void send(final int from, final int to, final Message message) {
    if (!up[from] || random.nextDouble() < lossProbability) {
      return;
    }
    // 0.2-3 ms on the wire; the receiving incarnation is fixed at send time.
    schedule(200_000 + random.nextInt(2_800_000), new Delivery(from, to, message, nodes[to]));
  }

  /** Runs until {@code until} (virtual nanoseconds). */
  void runUntil(final long until) {
    while (!queue.isEmpty() && queue.peek()[0] <= until) {
      final long[] event = queue.poll();
      now = event[0];
      final Object payload = payloads.set((int) event[2], null);
      if (payload instanceof Tick tick) {
        if (tick.node() == nodes[tick.host()]) {
          if (up[tick.host()]) {
            tick.node().tick(local(tick.host()));
          }
          schedule(25 * MS, tick);
        }
      } else if (payload instanceof Delivery delivery) {
        final boolean reachable = side[delivery.from()] == side[delivery.to()];
        if (now >= traceFrom) {
          System.out.println(
              now / 1000
                  + "us "
                  + (delivery.from() + 1)
                  + "->"
                  + (delivery.to() + 1)
                  + " "
                  + delivery.message()
                  + (reachable && up[delivery.to()] ? "" : " LOST"));
        }
        if (up[delivery.to()] && reachable && delivery.node() == nodes[delivery.to()]) {
          delivery.node().received(delivery.from() + 1, delivery.message(), local(delivery.to()));
        }
      }
      if (payloads.size() > 1_000_000 && queue.isEmpty()) {
        payloads.clear();
      }
    }
    now = until;
  }

  void crash(final int host) {
    if (now >= traceFrom) {
      System.out.println(now / 1000 + "us crash " + (host + 1));
    }
    up[host] = false;
  }

  /** A crashed host comes back with a fresh process: all its state is gone. */
  void restart(final int host, final TokenPolicy policy) {
    if (now >= traceFrom) {
      System.out.println(now / 1000 + "us restart " + (host + 1));
    }
    nodes[host] = newNode(host, policy);
    up[host] = true;
    nodes[host].start(local(host));
    schedule(0, new Tick(host, nodes[host]));
  }

  void partition(final int host, final int sideOfHost) {
    if (now >= traceFrom) {
      System.out.println(now / 1000 + "us partition " + (host + 1) + " to side " + sideOfHost);
    }
    side[host] = sideOfHost;
  }

  void heal() {
    java.util.Arrays.fill(side, 0);
  }

  /** The most hosts that held the token (not handing it over) at once, sampled every 10 ms. */
  int mostHoldersDuring(final long duration) {
    int most = 0;
    final long end = now + duration;
    while (now < end) {
      runUntil(now + 10 * MS);
      most = Math.max(most, holders());
    }
    return most;
  }

  int holders() {
    int holders = 0;
    for (int i = 0; i < hosts; i++) {
      if (up[i] && nodes[i].holdingSettled()) {
        holders++;
      }
    }
    return holders;
  }
}
