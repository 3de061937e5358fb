package score.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import score.core.decision.Holder;
import score.core.decision.LinkWeights;
import score.core.decision.LocationCache;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourTraffic;
import score.core.decision.ProbeBook;
import score.core.decision.Topology;
import score.core.decision.WorkingToken;
import score.core.host.HostTokenLoop;
import score.core.port.Hypervisor;
import score.core.port.ProbeAnswers;
import score.core.port.TrafficView;
import score.core.ring.RingNode;
import score.protocol.ProtocolException;
import score.protocol.Token;
import score.protocol.TokenPolicy;

/**
 * The model data centre run as the agents run it: every host has its own {@link HostTokenLoop} (the
 * agent's component, not a copy), and the token itself goes from host to host, encoded and decoded
 * at every hop as on the wire, to the host its loop names (ring order otherwise). The model answers
 * the loops' ports: the hypervisor (the VMs a host runs and its room), location and capacity probes
 * (answered at once, only when asked), the traffic (the schedule's round), and the mover (the VM
 * moves in the allocation at once and the end is reported to the loop).
 *
 * <p>A VM {@code k} of the model is the loops' VM {@code k + 1} (an address 0 means "unknown" to a
 * loop). Every host's location cache keeps nothing, so each route asks where a VM runs and the
 * model answers the truth: what the agents' announcements give them. A round is one rotation of the
 * token; the entries start as after one rotation in which every host added its VMs.
 *
 * <p>How often the token crosses the wire is the {@link Wire} setting. {@link Wire#EVERY_HOP} is
 * the agents' way exactly: each host receives a decoded {@link Token} and hands one on ({@link
 * HostTokenLoop#hold}), so a hop costs a pass over the token and a rotation about VMs × VMs, fit
 * for small instances. {@link Wire#EACH_ROTATION}, what {@link Simulator} runs at data-centre
 * scale, passes one {@link WorkingToken} from host to host ({@link HostTokenLoop#holdInPlace}, the
 * same work without the copies), so a hop costs the holder's own VMs; the token is encoded and
 * decoded once per rotation. Both give the same run (a test holds them equal).
 *
 * <p>Between two holds a host's loop keeps nothing the model can change (which VMs ran at its last
 * hold, to notice stopped ones: the model stops none; its location cache keeps nothing; moves end
 * at once), so only the loops of the {@value #LOOPS_KEPT} most recent holders are kept and others
 * are built again when the token comes back. A million hosts' loops would need gigabytes and make
 * every hop a cache miss: building a loop afresh is three times faster than finding a kept one
 * (1,000,000 hosts: 43 s a round with 1,024 kept, 116 s with 131,072, 137 s with all).
 */
public final class RingOfHosts {
  /** How many hosts' loops stay in memory between their holds. */
  static final int LOOPS_KEPT = 1 << 10;

  private static final String MODEL_VM = "a model VM";

  /** When the token is encoded and decoded as on the wire. */
  public enum Wire {
    /** At every hop, through the agents' own {@link HostTokenLoop#hold}. */
    EVERY_HOP,
    /** Worked in place from host to host, encoded and decoded at the end of each rotation. */
    EACH_ROTATION
  }

  private final Topology topology;
  private final LinkWeights weights;
  private final TrafficSchedule schedule;
  private final MigrationDecider.CandidateRule rule;
  private final Wire wire;

  /** The token encoded and decoded at every hop: the agents' way exactly. */
  public RingOfHosts(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final MigrationDecider.CandidateRule rule) {
    this(topology, weights, schedule, rule, Wire.EVERY_HOP);
  }

  public RingOfHosts(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final MigrationDecider.CandidateRule rule,
      final Wire wire) {
    this.topology = topology;
    this.weights = weights;
    this.schedule = schedule;
    this.rule = rule;
    this.wire = wire;
  }

  /** Runs {@code rounds} rotations of the token from {@code initial} (not changed). */
  public Simulator.Run run(
      final TokenPolicy policy,
      final Allocation initial,
      final int rounds,
      final MigrationCost migrationCost) {
    return new Driver(policy, initial.copy(), rounds, migrationCost).run();
  }

  /** One run's state: the model, each host's loop, and the token in flight. */
  private final class Driver {
    private final TokenPolicy policy;
    private final Allocation allocation;
    private final HostMembers members;
    private final int rounds;
    private final MigrationCost migrationCost;
    private final Map<Integer, HostTokenLoop> loops =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(final Map.Entry<Integer, HostTokenLoop> eldest) {
            return size() > LOOPS_KEPT;
          }
        };
    private final MigrationDecider decider;

    /** One probe book for every host: one host visits at a time and its visit ends in its hold. */
    private final ProbeBook probeBook = new ProbeBook();

    private final int[] migrations;
    private final double[] costs;
    private final double[] startCosts;
    private TrafficMatrix traffic;
    private OverallCost.Row row;
    private int round;
    private long nowNanos = 1;

    Driver(
        final TokenPolicy policy,
        final Allocation allocation,
        final int rounds,
        final MigrationCost migrationCost) {
      this.policy = policy;
      this.allocation = allocation;
      this.members = new HostMembers(allocation);
      this.rounds = rounds;
      this.migrationCost = migrationCost;
      this.decider = new MigrationDecider(topology, weights, rule);
      this.migrations = new int[rounds];
      this.costs = new double[rounds + 1];
      this.startCosts = new double[rounds];
      useRound(0);
    }

    private void useRound(final int r) {
      traffic = schedule.round(r);
      row = new OverallCost.Row(traffic);
    }

    private double cost() {
      return OverallCost.of(traffic, allocation, topology, weights);
    }

    Simulator.Run run() {
      costs[0] = cost();
      if (rounds == 0) {
        return new Simulator.Run(policy, costs, startCosts, migrations, allocation);
      }
      startCosts[0] = costs[0];
      if (wire == Wire.EVERY_HOP) {
        runOverTheWire(firstToken());
      } else {
        runInPlace(WorkingToken.of(firstToken()));
      }
      return new Simulator.Run(policy, costs, startCosts, migrations, allocation);
    }

    /** Each host gets a decoded token and hands one on, as an agent does. */
    private void runOverTheWire(final Token first) {
      Token token = first;
      int at = allocation.hostOf(token.vmId(0) - 1);
      while (round < rounds) {
        final HostTokenLoop loop = loop(at);
        final long rotationsBefore = loop.rotations();
        Token next = null;
        for (long step = 0; next == null; step++) {
          checkSteps(step, token.vmCount(), at);
          next = loop.hold(token, true, nowNanos + Long.MAX_VALUE / 2, nowNanos);
          nowNanos++;
        }
        if (loop.rotations() > rotationsBefore) {
          endRound();
        }
        final int to = nextHost(loop.nextHost(next), at);
        token = overTheWire(RingNode.handedOver(next));
        at = to;
      }
    }

    /** One working token goes from host to host; it crosses the wire once per rotation. */
    private void runInPlace(final WorkingToken first) {
      WorkingToken token = first;
      int at = allocation.hostOf(token.vmId(0) - 1);
      while (round < rounds) {
        final HostTokenLoop loop = loop(at);
        final long rotationsBefore = loop.rotations();
        boolean passed = false;
        for (long step = 0; !passed; step++) {
          checkSteps(step, token.vmCount(), at);
          passed = loop.holdInPlace(token, true, nowNanos + Long.MAX_VALUE / 2, nowNanos);
          nowNanos++;
        }
        final int to = nextHost(loop.nextHost(), at);
        token.handedOver();
        if (loop.rotations() > rotationsBefore) {
          endRound();
          token = WorkingToken.of(overTheWire(token.toToken()));
        }
        at = to;
      }
    }

    private void checkSteps(final long step, final int vms, final int host) {
      if (step > 4L * vms + 16) {
        throw new IllegalStateException("host " + host + " never passed the token on");
      }
    }

    /** The host a loop named, or the next in ring order. */
    private int nextHost(final int wanted, final int at) {
      return wanted >= 0 && wanted != at ? wanted : (at + 1) % topology.hosts();
    }

    private void endRound() {
      costs[round + 1] = cost();
      round++;
      if (round < rounds) {
        useRound(round);
        startCosts[round] = cost();
      }
    }

    /** The token as the next host receives it: encoded and decoded, checked as a frame is. */
    private Token overTheWire(final Token token) {
      try {
        return Token.fromBytes(token.toBytes(), token.vmCount());
      } catch (final ProtocolException e) {
        throw new IllegalStateException("the token did not survive its own encoding", e);
      }
    }

    /** Every VM with its true entry, in the policy's order. */
    private Token firstToken() {
      final int vms = traffic.vms();
      final int[] ids = new int[vms];
      for (int vm = 0; vm < vms; vm++) {
        ids[vm] = vm + 1;
      }
      final byte[] entries = Simulator.trueEntries(policy, row, vms, allocation, topology, weights);
      return HostTokenLoop.rotationOf(policy, 1, 0, ids, entries);
    }

    private HostTokenLoop loop(final int host) {
      return loops.computeIfAbsent(host, this::newLoop);
    }

    private HostTokenLoop newLoop(final int host) {
      final TrafficView view = vm -> shifted(row.of(vm - 1));
      final HostTokenLoop[] self = new HostTokenLoop[1];
      final HostTokenLoop.Ports ports =
          new HostTokenLoop.Ports(
              hypervisor(host),
              view,
              view,
              (id, vm, answers) ->
                  answers.located(
                      id,
                      vm,
                      vm >= 1 && vm <= allocation.vms()
                          ? allocation.hostOf(vm - 1)
                          : ProbeAnswers.NOWHERE),
              allocation,
              (id, decision) -> {
                final int vm = decision.vm() - 1;
                allocation.move(vm, decision.toHost());
                members.moved(vm, host, decision.toHost());
                migrations[round]++;
                self[0].migrationEnded(id, decision, true, true, "moved in the model", nowNanos);
              },
              (vm, where) -> {},
              outcome -> {});
      self[0] =
          new HostTokenLoop(
              host,
              ports,
              decider,
              new Holder.Settings(1, 1, 1, migrationCost, false),
              new LocationCache(1, 1),
              new HostTokenLoop.Settings(1, Integer.MAX_VALUE, 0, java.util.Set.of(), 0),
              probeBook);
      return self[0];
    }

    /** The model's view of one host, as libvirt gives the agent its own. */
    private Hypervisor hypervisor(final int host) {
      return new Hypervisor() {
        @Override
        public List<Vm> vms() {
          final List<Vm> here = new ArrayList<>(members.count(host));
          for (int k = 0; k < members.count(host); k++) {
            final int vm = members.vm(host, k);
            // The model's VMs have no names (the loop keys them by address); none is built.
            here.add(new Vm(MODEL_VM, "", vm + 1, allocation.memoryBytes(vm), 1, 0, 0));
          }
          return here;
        }

        @Override
        public Room room() {
          return new Room(allocation.freeSlots(host), allocation.freeMemoryBytes(host));
        }
      };
    }
  }

  /** A model row with the loops' VM ids (the model's plus one). */
  private static NeighbourTraffic shifted(final NeighbourTraffic modelRow) {
    return new NeighbourTraffic() {
      @Override
      public int count() {
        return modelRow.count();
      }

      @Override
      public int vm(final int index) {
        return modelRow.vm(index) + 1;
      }

      @Override
      public double bytesPerSecond(final int index) {
        return modelRow.bytesPerSecond(index);
      }
    };
  }
}
