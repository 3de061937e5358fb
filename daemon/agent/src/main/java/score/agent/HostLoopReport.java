package score.agent;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import score.agent.migrate.DecidedMigrations;
import score.core.decision.Decision;
import score.core.decision.Holder;
import score.core.host.HostTokenLoop;
import score.core.port.Hypervisor;

/**
 * The agent's side of the host's token loop: logs each visit's outcome and each migration's end,
 * hands a decided VM's history back to the flow table, and exports what the loop counts as the
 * decision, migration, token and cost metrics (docs/operators-guide.md, "Metrics"). Translates
 * only: every figure is the loop's.
 */
final class HostLoopReport implements HostTokenLoop.Listener {
  private static final System.Logger LOG = System.getLogger(HostLoopReport.class.getName());

  private final IntConsumer consumeHistory;

  /** Held here: Micrometer keeps only a weak reference to a gauge's object. */
  private IntSupplier migrationsRunning;

  private DistributionSummary plannedSeconds;
  private DistributionSummary measuredSeconds;
  private DistributionSummary dataBytes;
  private DistributionSummary downtimeSeconds;

  /**
   * @param consumeHistory tells the flow table that a decision used a VM's history
   */
  HostLoopReport(final IntConsumer consumeHistory) {
    this.consumeHistory = consumeHistory;
  }

  @Override
  public void visited(final Holder.Outcome outcome) {
    final int vm = outcome.decision().vm();
    consumeHistory.accept(vm);
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

  @Override
  public void migrationEnded(final Decision decision, final boolean started, final boolean ok) {
    LOG.log(
        ok || !started ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
        "migration of "
            + score.flowtable.Ipv4.format(decision.vm())
            + " to host "
            + decision.toHost()
            + (ok ? " done" : started ? " failed" : " not started"));
  }

  /** The figures of a migration that ran (planned and measured time, data, downtime). */
  void recordFigures(final DecidedMigrations.Ended end) {
    if (!end.succeeded() && end.started()) {
      LOG.log(System.Logger.Level.WARNING, "migration of " + end.vmName() + ": " + end.why());
    }
    end.report()
        .ifPresent(
            report -> {
              plannedSeconds.record(report.plan().estimate().timeSeconds());
              report
                  .outcome()
                  .ifPresent(
                      o -> {
                        measuredSeconds.record(o.elapsedMillis() / 1e3);
                        dataBytes.record(o.dataProcessedBytes());
                        downtimeSeconds.record(o.downtimeMillis() / 1e3);
                      });
            });
  }

  /** The decision, migration, token and cost metrics. */
  void bindMetrics(
      final MeterRegistry registry,
      final HostTokenLoop loop,
      final Hypervisor hypervisor,
      final IntSupplier migrationsRunning) {
    for (final Holder.Result result : Holder.Result.values()) {
      FunctionCounter.builder("score_decisions", loop, l -> l.counts().decisions(result))
          .description("Token visits of a local VM, by outcome")
          .tag("outcome", result.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("score_migrations", loop, l -> l.counts().migrationsSucceeded())
        .description("Live migrations this host started, by outcome")
        .tag("outcome", "succeeded")
        .register(registry);
    FunctionCounter.builder("score_migrations", loop, l -> l.counts().migrationsFailed())
        .description("Live migrations this host started, by outcome")
        .tag("outcome", "failed")
        .register(registry);
    FunctionCounter.builder("score_moves_refused", loop, l -> l.counts().movesNotStarted())
        .description(
            "Moves decided here that never started (paused, too many running, the VM gone)")
        .register(registry);
    this.migrationsRunning = migrationsRunning;
    Gauge.builder("score_migrations_running", this, r -> r.migrationsRunning.getAsInt())
        .description("Live migrations leaving this host now")
        .register(registry);
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
    Gauge.builder("score_communication_cost", loop, HostTokenLoop::localCost)
        .description(
            "Eq. 1 over this host's VMs: half of each pair's traffic (bytes/s) times its path's"
                + " link weights; the sum over all hosts is the data centre's cost")
        .register(registry);
    Gauge.builder(
            "score_communication_cost_unlocated_neighbours",
            loop,
            HostTokenLoop::unlocatedNeighbours)
        .description("Neighbours of local VMs not located yet (left out of the cost)")
        .register(registry);
    Gauge.builder("score_local_vms", hypervisor, h -> h.vms().size())
        .description("VMs running on this host")
        .register(registry);
    FunctionCounter.builder("score_token_hops", loop, HostTokenLoop::holds)
        .description("Tokens this host received and worked on")
        .register(registry);
    FunctionCounter.builder("score_token_rotations", loop, HostTokenLoop::rotations)
        .description("Rotations of the token's VM list completed at this host")
        .register(registry);
  }
}
