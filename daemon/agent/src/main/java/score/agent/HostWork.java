package score.agent;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import score.agent.migrate.DecidedMigrations;
import score.agent.probe.PeerProbes;
import score.agent.traffic.FlowTableTraffic;
import score.core.decision.Holder;
import score.core.decision.HolderWork;
import score.core.decision.LinkWeights;
import score.core.decision.LocationCache;
import score.core.decision.Topology;
import score.core.decision.VmLocator;
import score.core.port.Hypervisor;
import score.core.port.ProbeAnswers;

/**
 * What the agent does for its host beyond passing the token, on the ring's thread: counts each
 * visit's outcome and each migration's end, consumes a decided VM's flow history, and keeps the
 * communication cost of the local VMs current (S-CORE eq. 1, each pair's half counted by the host
 * of each end, so the hosts' values add up to the data centre's cost) by locating their neighbours
 * in the background. Its counters are the agent's decision and migration metrics.
 */
final class HostWork {
  private static final System.Logger LOG = System.getLogger(HostWork.class.getName());

  private final int self;
  private final Hypervisor hypervisor;
  private final FlowTableTraffic traffic;
  private final Topology topology;
  private final LinkWeights weights;
  private final LocationCache locations;
  private final PeerProbes probes;
  private final Map<Holder.Result, AtomicLong> decisions = new EnumMap<>(Holder.Result.class);
  private final AtomicLong migrationsSucceeded = new AtomicLong();
  private final AtomicLong migrationsFailed = new AtomicLong();
  private final AtomicLong movesRefused = new AtomicLong();
  private volatile double localCost;
  private volatile int unlocatedNeighbours;
  private volatile HolderWork work;
  private Holder holder;
  private DistributionSummary plannedSeconds;
  private DistributionSummary measuredSeconds;
  private DistributionSummary dataBytes;
  private DistributionSummary downtimeSeconds;
  private long costProbeId = 1L << 62;
  private java.util.function.IntSupplier migrationsRunning;
  private score.flowtable.FlowTable costTable;
  private final score.agent.traffic.SmoothedPairRates rates =
      new score.agent.traffic.SmoothedPairRates(6_000);

  HostWork(
      final int self,
      final Hypervisor hypervisor,
      final FlowTableTraffic traffic,
      final Topology topology,
      final LinkWeights weights,
      final LocationCache locations,
      final PeerProbes probes) {
    this.self = self;
    this.hypervisor = hypervisor;
    this.traffic = traffic;
    this.topology = topology;
    this.weights = weights;
    this.locations = locations;
    this.probes = probes;
    for (final Holder.Result result : Holder.Result.values()) {
      decisions.put(result, new AtomicLong());
    }
  }

  /** Where the cost reads its traffic (smoothed across the holder's consuming of history). */
  void useCostTable(final score.flowtable.FlowTable table) {
    this.costTable = table;
  }

  /** How many migrations run now (a gauge). */
  void countRunning(final java.util.function.IntSupplier running) {
    this.migrationsRunning = running;
  }

  void attach(final Holder holder, final HolderWork work) {
    this.holder = holder;
    this.work = work;
  }

  /** A visit ended (ring thread). */
  void visited(final Holder.Outcome outcome) {
    decisions.get(outcome.result()).incrementAndGet();
    final int vm = outcome.decision().vm();
    traffic.consume(vm);
    LOG.log(
        outcome.result() == Holder.Result.NO_GAIN
            ? System.Logger.Level.DEBUG
            : System.Logger.Level.INFO,
        "decision for "
            + score.flowtable.Ipv4.format(vm)
            + ": "
            + outcome.result().name().toLowerCase(Locale.ROOT)
            + (outcome.decision().migrates() ? " to host " + outcome.decision().toHost() : "")
            + String.format(
                Locale.ROOT,
                " (C(u) %.1f, gain %.1f, %d candidates) %s",
                outcome.decision().costBefore(),
                outcome.decision().gain(),
                outcome.decision().candidates(),
                outcome.why()));
  }

  /** A migration ended (ring thread). */
  void migrationEnded(final DecidedMigrations.Ended end) {
    (end.succeeded() ? migrationsSucceeded : end.started() ? migrationsFailed : movesRefused)
        .incrementAndGet();
    end.report()
        .ifPresent(
            report -> {
              if (plannedSeconds != null) {
                plannedSeconds.record(report.plan().estimate().timeSeconds());
                report
                    .outcome()
                    .ifPresent(
                        o -> {
                          measuredSeconds.record(o.elapsedMillis() / 1e3);
                          dataBytes.record(o.dataProcessedBytes());
                          downtimeSeconds.record(o.downtimeMillis() / 1e3);
                        });
              }
            });
    LOG.log(
        end.succeeded() || !end.started() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
        "migration of "
            + end.vmName()
            + " to host "
            + end.decision().toHost()
            + (end.succeeded() ? " done" : " failed: " + end.why()));
    if (end.succeeded()) {
      locations.found(end.decision().vm(), end.decision().toHost(), System.nanoTime());
    }
    if (end.started()) {
      holder.migrationEnded(end.requestId(), end.succeeded(), end.why());
    } else {
      holder.migrationNotStarted(end.requestId(), end.why());
    }
  }

  /**
   * Recomputes the local VMs' cost from the flow table and the neighbours' known hosts, and asks
   * where the unknown ones run (answers land in the location cache for the next time). Ring thread;
   * at most {@code maxProbes} probes per call.
   */
  void refreshCost(final long nowNanos, final int maxProbes) {
    double cost = 0;
    int unknown = 0;
    int asked = 0;
    final Set<Integer> local = new HashSet<>();
    final List<Hypervisor.Vm> vms = hypervisor.vms();
    for (final Hypervisor.Vm vm : vms) {
      if (vm.ipv4() != 0) {
        local.add(vm.ipv4());
      }
    }
    final long nowMillis = nowNanos / 1_000_000;
    for (final int vm : local) {
      for (final score.flowtable.PairAggregate pair : costTable.pairsOf(vm, nowMillis)) {
        final int z = pair.ipA() == vm ? pair.ipB() : pair.ipA();
        final double bytesPerSecond =
            rates.update(vm, z, pair.bytes(), pair.windowStartMillis(), nowMillis);
        if (!(bytesPerSecond > 0)) {
          continue;
        }
        final int host = local.contains(z) ? self : locations.hostOf(z, nowNanos);
        if (host == VmLocator.UNKNOWN || host >= topology.hosts()) {
          unknown++;
          if (asked < maxProbes) {
            asked++;
            probes.locate(costProbeId++, z, cacheAnswers(nowNanos));
          }
          continue;
        }
        cost += 0.5 * bytesPerSecond * weights.pathCost(topology.level(self, host));
      }
    }
    rates.sweep();
    localCost = cost;
    unlocatedNeighbours = unknown;
  }

  private ProbeAnswers cacheAnswers(final long nowNanos) {
    return new ProbeAnswers() {
      @Override
      public void located(final long requestId, final int vmId, final int hostId) {
        if (hostId != NOWHERE) {
          locations.found(vmId, hostId, System.nanoTime());
        }
      }

      @Override
      public void capacity(
          final long requestId, final int hostId, final int freeSlots, final long memory) {}
    };
  }

  /** The decision, migration, token and cost metrics (README, "Metrics"). */
  void bindMetrics(final MeterRegistry registry) {
    for (final Holder.Result result : Holder.Result.values()) {
      FunctionCounter.builder("score_decisions", decisions.get(result), AtomicLong::get)
          .description("Token visits of a local VM, by outcome")
          .tag("outcome", result.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("score_migrations", migrationsSucceeded, AtomicLong::get)
        .description("Live migrations this host started, by outcome")
        .tag("outcome", "succeeded")
        .register(registry);
    FunctionCounter.builder("score_migrations", migrationsFailed, AtomicLong::get)
        .description("Live migrations this host started, by outcome")
        .tag("outcome", "failed")
        .register(registry);
    FunctionCounter.builder("score_moves_refused", movesRefused, AtomicLong::get)
        .description(
            "Moves decided here that never started (paused, too many running, the VM gone)")
        .register(registry);
    if (migrationsRunning != null) {
      Gauge.builder(
              "score_migrations_running",
              migrationsRunning,
              java.util.function.IntSupplier::getAsInt)
          .description("Live migrations leaving this host now")
          .register(registry);
    }
    plannedSeconds =
        DistributionSummary.builder("score_migration_planned_seconds")
            .description("The planner's predicted time of each migration")
            .baseUnit("seconds")
            .register(registry);
    measuredSeconds =
        DistributionSummary.builder("score_migration_measured_seconds")
            .description("Measured time of each migration")
            .register(registry);
    dataBytes =
        DistributionSummary.builder("score_migration_data_bytes")
            .description("Data each migration sent")
            .register(registry);
    downtimeSeconds =
        DistributionSummary.builder("score_migration_downtime_seconds")
            .description("Downtime of each migration")
            .register(registry);
    Gauge.builder("score_communication_cost", this, w -> w.localCost)
        .description(
            "Eq. 1 over this host's VMs: half of each pair's traffic (bytes/s) times its path's"
                + " link weights; the sum over all hosts is the data centre's cost")
        .register(registry);
    Gauge.builder("score_communication_cost_unlocated_neighbours", this, w -> w.unlocatedNeighbours)
        .description("Neighbours of local VMs not located yet (left out of the cost)")
        .register(registry);
    Gauge.builder("score_local_vms", hypervisor, h -> h.vms().size())
        .description("VMs running on this host")
        .register(registry);
    FunctionCounter.builder("score_token_hops", this, w -> w.work == null ? 0 : w.work.holds())
        .description("Tokens this host received and worked on")
        .register(registry);
    FunctionCounter.builder(
            "score_token_rotations", this, w -> w.work == null ? 0 : w.work.rotations())
        .description("Rotations of the token's VM list completed at this host")
        .register(registry);
  }
}
