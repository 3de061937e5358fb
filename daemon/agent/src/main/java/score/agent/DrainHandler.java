package score.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.control.ControlAnswer;
import score.agent.control.ControlRequest;
import score.agent.migrate.DecidedMigrations;
import score.agent.migrate.HostDrain;
import score.agent.probe.PeerProbes;
import score.agent.traffic.TrafficSnapshots;
import score.core.decision.DrainPlanner;
import score.core.decision.LocationCache;
import score.core.plan.BitRate;
import score.core.port.Hypervisor;
import score.core.port.ProbeAnswers;
import score.flowtable.PairAggregate;

/**
 * {@code score drain HOST --deadline D}: this host must be the one named. Automatic migrations from
 * here stop and this host reports no room to others until the drain ends; the drain plans with each
 * local VM's neighbours where they are known and the room every other member reports (asked at
 * once; planned as soon as all have answered, or at the probe timeout with what came).
 */
final class DrainHandler {
  private final AgentConfig config;
  private final HostDrain drain;
  private final DecidedMigrations migrations;
  private final Hypervisor hypervisor;
  private final TrafficSnapshots traffic;
  private final LocationCache locations;
  private final PeerProbes probes;
  private final DecidedMigrations.RingThread ring;
  private final ScheduledExecutorService timers;
  private final AtomicBoolean draining;
  private final AtomicLong probeIds = new AtomicLong(3L << 61);

  DrainHandler(
      final AgentConfig config,
      final HostDrain drain,
      final DecidedMigrations migrations,
      final Hypervisor hypervisor,
      final TrafficSnapshots traffic,
      final LocationCache locations,
      final PeerProbes probes,
      final DecidedMigrations.RingThread ring,
      final ScheduledExecutorService timers,
      final AtomicBoolean draining) {
    this.config = config;
    this.drain = drain;
    this.migrations = migrations;
    this.hypervisor = hypervisor;
    this.traffic = traffic;
    this.locations = locations;
    this.probes = probes;
    this.ring = ring;
    this.timers = timers;
    this.draining = draining;
  }

  Object start(final ControlRequest.Drain request) {
    final ClusterConfig cluster = config.cluster();
    final Optional<Integer> id = cluster.hostNamed(String.valueOf(request.host()));
    if (id.isEmpty() || id.get() != config.self()) {
      return new ControlAnswer.Refused(
          "'"
              + request.host()
              + "' is not this agent's host ("
              + cluster.hypervisors().get(config.self()).name()
              + "): run score drain on the host to drain");
    }
    final double seconds = request.deadlineSeconds();
    if (!(seconds > 0) || seconds > 86_400) {
      return new ControlAnswer.Refused("the deadline must be more than 0 s and at most a day");
    }
    final boolean wasPaused = migrations.paused();
    migrations.pause();
    draining.set(true);
    final boolean started =
        drain.start(
            Duration.ofMillis((long) (seconds * 1e3)),
            this::inputs,
            () -> {
              draining.set(false);
              if (!wasPaused) {
                migrations.resume();
              }
            });
    if (!started) {
      return new ControlAnswer.Refused("a drain of this host is already running");
    }
    return drain.status();
  }

  Object status() {
    return drain.status();
  }

  /** The drain's inputs, read on the ring's thread; complete once every member has answered. */
  private CompletableFuture<HostDrain.Inputs> inputs() {
    final CompletableFuture<HostDrain.Inputs> result = new CompletableFuture<>();
    final Map<Integer, DrainPlanner.Room> rooms = new ConcurrentHashMap<>();
    final int others = config.cluster().hosts().size() - 1;
    ring.run(
        () -> {
          final long now = System.nanoTime();
          final List<DrainPlanner.DrainVm> vms = new ArrayList<>();
          long largest = 0;
          for (final Hypervisor.Vm vm : hypervisor.vms()) {
            vms.add(drainVm(vm, now));
            largest = Math.max(largest, vm.memoryBytes());
          }
          final ProbeAnswers answers =
              new ProbeAnswers() {
                @Override
                public void located(final long requestId, final int vmId, final int hostId) {}

                @Override
                public void capacity(
                    final long requestId,
                    final int hostId,
                    final int freeSlots,
                    final long freeMemoryBytes) {
                  rooms.put(hostId, new DrainPlanner.Room(freeSlots, freeMemoryBytes));
                  if (rooms.size() >= others) {
                    result.complete(new HostDrain.Inputs(vms, Map.copyOf(rooms)));
                  }
                }
              };
          for (final int host : config.cluster().hosts().keySet()) {
            if (host != config.self()) {
              probes.askCapacity(probeIds.getAndIncrement(), host, largest, answers);
            }
          }
          if (others == 0) {
            result.complete(new HostDrain.Inputs(vms, Map.of()));
          }
          timers.schedule(
              () -> result.complete(new HostDrain.Inputs(vms, Map.copyOf(rooms))),
              config.decisions().probeTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
        });
    return result;
  }

  private DrainPlanner.DrainVm drainVm(final Hypervisor.Vm vm, final long nowNanos) {
    final List<PairAggregate> pairs =
        vm.ipv4() == 0 ? List.of() : traffic.current().pairsOf(vm.ipv4());
    final double[] rates = new double[pairs.size()];
    final int[] hosts = new int[pairs.size()];
    for (int k = 0; k < pairs.size(); k++) {
      final PairAggregate pair = pairs.get(k);
      final int z = pair.ipA() == vm.ipv4() ? pair.ipB() : pair.ipA();
      rates[k] = pair.bytesPerSecond();
      hosts[k] = locations.hostOf(z, nowNanos);
    }
    return new DrainPlanner.DrainVm(
        vm.name(),
        vm.ipv4(),
        vm.memoryBytes(),
        BitRate.ofBitsPerSecond(8 * vm.txBytesPerSecond()),
        BitRate.ofBitsPerSecond(8 * vm.rxBytesPerSecond()),
        rates,
        hosts);
  }
}
