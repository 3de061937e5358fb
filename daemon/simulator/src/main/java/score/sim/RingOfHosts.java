package score.sim;

import java.util.ArrayList;
import java.util.List;
import score.core.decision.Holder;
import score.core.decision.LinkWeights;
import score.core.decision.LocationCache;
import score.core.decision.MigrationCost;
import score.core.decision.MigrationDecider;
import score.core.decision.NeighbourTraffic;
import score.core.decision.Topology;
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
 * <p>Every hop costs a pass over the token (encoding, decoding, its holder's upkeep), so a rotation
 * costs about VMs × VMs: meant for the small instances on which it checks that {@link Simulator}'s
 * figures are what agents do (a 16-host instance runs in well under a second).
 */
public final class RingOfHosts {
  private final Topology topology;
  private final LinkWeights weights;
  private final TrafficSchedule schedule;
  private final MigrationDecider.CandidateRule rule;

  public RingOfHosts(
      final Topology topology,
      final LinkWeights weights,
      final TrafficSchedule schedule,
      final MigrationDecider.CandidateRule rule) {
    this.topology = topology;
    this.weights = weights;
    this.schedule = schedule;
    this.rule = rule;
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
    private final HostTokenLoop[] loops;
    private final MigrationDecider decider;
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
      this.loops = new HostTokenLoop[topology.hosts()];
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
      Token token = firstToken();
      int at = allocation.hostOf(token.vmId(0) - 1);
      final long maxStepsPerHold = 4L * token.vmCount() + 16;
      while (round < rounds) {
        final HostTokenLoop loop = loop(at);
        final long rotationsBefore = loop.rotations();
        Token next = null;
        for (long step = 0; next == null; step++) {
          if (step > maxStepsPerHold) {
            throw new IllegalStateException("host " + at + " never passed the token on");
          }
          next = loop.hold(token, true, nowNanos + Long.MAX_VALUE / 2, nowNanos);
          nowNanos++;
        }
        if (loop.rotations() > rotationsBefore) {
          endRound();
        }
        final int wanted = loop.nextHost(next);
        final int to = wanted >= 0 && wanted != at ? wanted : (at + 1) % topology.hosts();
        token = overTheWire(RingNode.handedOver(next));
        at = to;
      }
      return new Simulator.Run(policy, costs, startCosts, migrations, allocation);
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
      if (loops[host] == null) {
        loops[host] = newLoop(host);
      }
      return loops[host];
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
              new HostTokenLoop.Settings(1, Integer.MAX_VALUE, 0, java.util.Set.of(), 0));
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
            here.add(new Vm("vm" + vm, "", vm + 1, allocation.memoryBytes(vm), 1, 0, 0));
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
