package score.agent.migrate;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.libvirt.HypervisorException;
import score.core.decision.Decision;
import score.core.decision.Holder;
import score.core.plan.BitRate;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRatePolicy;
import score.core.plan.InfeasiblePlanException;
import score.core.plan.MigrationGoal;
import score.core.plan.MigrationPlan;
import score.core.plan.PowerModel;
import score.core.port.Hypervisor;

/**
 * The agent's {@link Holder.Mover}: carries out a move the holder decided, as an operator's {@code
 * score migrate} would (dirty rate sampled, least bandwidth for the deadline from the planner,
 * raised at a new round when the observed dirty rate needs it, post-copy when allowed and due),
 * with the deadline and options of agent.yaml's {@code migration:} section. Runs on its own
 * threads, at most {@code parallel-outbound-migrations-per-node} at once, and reports the end on
 * the ring's thread. While paused ({@code score pause}) a decided move is refused at once.
 */
public final class DecidedMigrations implements Holder.Mover, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DecidedMigrations.class.getName());

  /**
   * A migration's end, reported on the ring's thread.
   *
   * @param started false when the move was refused before anything started (paused, too many
   *     running, the VM gone, the agent stopping)
   */
  public record Ended(
      long requestId,
      Decision decision,
      String vmName,
      boolean succeeded,
      String why,
      Optional<LiveMigration.Report> report,
      boolean started) {
    Ended(
        final long requestId,
        final Decision decision,
        final String vmName,
        final boolean succeeded,
        final String why,
        final Optional<LiveMigration.Report> report) {
      this(requestId, decision, vmName, succeeded, why, report, true);
    }

    static Ended refused(
        final long requestId, final Decision decision, final String vmName, final String why) {
      return new Ended(requestId, decision, vmName, false, why, Optional.empty(), false);
    }
  }

  /** Where a migration's end goes: run the task on the ring's thread. */
  @FunctionalInterface
  public interface RingThread {
    void run(Runnable task);
  }

  private final int self;
  private final ClusterConfig cluster;
  private final Hypervisor hypervisor;
  private final LiveMigration migration;
  private final AgentConfig.Migration settings;
  private final int dirtyRateSamples;
  private final RingThread ring;
  private final Consumer<Ended> ended;
  private final ExecutorService workers;
  private final int parallel;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicBoolean paused = new AtomicBoolean();

  public DecidedMigrations(
      final int self,
      final ClusterConfig cluster,
      final Hypervisor hypervisor,
      final LiveMigration migration,
      final AgentConfig.Migration settings,
      final int dirtyRateSamples,
      final RingThread ring,
      final Consumer<Ended> ended) {
    this.self = self;
    this.cluster = cluster;
    this.hypervisor = hypervisor;
    this.migration = migration;
    this.settings = settings;
    this.dirtyRateSamples = dirtyRateSamples;
    this.ring = ring;
    this.ended = ended;
    this.parallel = settings.parallelOutboundMigrationsPerNode();
    this.workers =
        Executors.newFixedThreadPool(
            parallel,
            task -> {
              final Thread thread = new Thread(task, "score-migration");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts no new migration; the running ones finish. */
  public void pause() {
    paused.set(true);
  }

  public void resume() {
    paused.set(false);
  }

  public boolean paused() {
    return paused.get();
  }

  /** Migrations running now. */
  public int running() {
    return running.get();
  }

  @Override
  public void move(final long requestId, final Decision decision) {
    final Hypervisor.Vm vm =
        hypervisor.vms().stream().filter(v -> v.ipv4() == decision.vm()).findFirst().orElse(null);
    final ClusterConfig.Hypervisor from = cluster.hypervisors().get(self);
    final ClusterConfig.Hypervisor to = cluster.hypervisors().get(decision.toHost());
    final String refused;
    if (paused.get()) {
      refused = "migrations are paused (score resume starts them again)";
    } else if (vm == null) {
      refused = "the VM no longer runs here";
    } else if (to == null || from == null) {
      refused = "host " + decision.toHost() + " has no libvirt address in the configuration";
    } else if (running.get() >= parallel) {
      refused = parallel + " migrations already leave this host";
    } else {
      refused = null;
    }
    if (refused != null) {
      report(Ended.refused(requestId, decision, vm == null ? "" : vm.name(), refused));
      return;
    }
    running.incrementAndGet();
    try {
      workers.execute(() -> run(requestId, decision, vm, from, to));
    } catch (final RejectedExecutionException e) {
      running.decrementAndGet();
      report(Ended.refused(requestId, decision, vm.name(), "the agent is stopping"));
    }
  }

  private void run(
      final long requestId,
      final Decision decision,
      final Hypervisor.Vm vm,
      final ClusterConfig.Hypervisor from,
      final ClusterConfig.Hypervisor to) {
    Ended result;
    try {
      final LiveMigration.Located located = new LiveMigration.Located(self, from, vm.memoryBytes());
      final DirtyRate rate =
          migration
              .measureDirtyRate(vm.name(), located, dirtyRateSamples)
              .pick(DirtyRatePolicy.MEAN);
      final MigrationGoal goal = goal(vm.memoryBytes());
      final MigrationPlan plan = LiveMigration.plan(goal, vm.memoryBytes(), rate);
      LOG.log(
          System.Logger.Level.INFO,
          "migrating "
              + vm.name()
              + " to "
              + to.name()
              + " at "
              + plan.appliedBandwidth()
              + " (deadline "
              + goal.deadline().map(Duration::toString).orElse("-")
              + ", dirty rate "
              + Math.round(rate.bytesPerSecond())
              + " B/s, gain "
              + String.format(java.util.Locale.ROOT, "%.1f", decision.gain())
              + ")");
      final LiveMigration.Report report =
          migration.migrate(vm.name(), located, to, goal, rate, plan, (now, handle) -> {});
      final boolean ok = report.outcome().map(o -> o.succeeded()).orElse(false);
      result =
          new Ended(
              requestId,
              decision,
              vm.name(),
              ok,
              report.outcome().map(o -> o.why()).orElse(""),
              Optional.of(report));
    } catch (final HypervisorException e) {
      result = new Ended(requestId, decision, vm.name(), false, e.getMessage(), Optional.empty());
    } catch (final InfeasiblePlanException | IllegalArgumentException | ArithmeticException e) {
      result =
          new Ended(
              requestId,
              decision,
              vm.name(),
              false,
              "cannot plan: " + e.getMessage(),
              Optional.empty());
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      result = new Ended(requestId, decision, vm.name(), false, "interrupted", Optional.empty());
    } catch (final RuntimeException e) {
      result = new Ended(requestId, decision, vm.name(), false, "failed: " + e, Optional.empty());
    } finally {
      running.decrementAndGet();
    }
    report(result);
  }

  /** agent.yaml's goal for a VM of {@code memoryBytes}: the deadline scales with its memory. */
  public MigrationGoal goal(final long memoryBytes) {
    final double gib = memoryBytes / (double) (1L << 30);
    final Duration deadline =
        Duration.ofNanos(
            Math.max(1_000_000_000L, (long) (settings.deadlinePerGiB().toNanos() * gib)));
    return new MigrationGoal(
        Optional.of(deadline),
        Optional.<BitRate>empty(),
        settings.maxDowntime(),
        settings.objective(),
        settings.bandwidthPerMigration(),
        PowerModel.DEFAULT,
        settings.allowPostCopy());
  }

  private void report(final Ended end) {
    try {
      ring.run(() -> ended.accept(end));
    } catch (final RejectedExecutionException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the agent stopped before the migration of "
              + end.vmName()
              + " ended ("
              + (end.succeeded() ? "succeeded" : "failed: " + end.why())
              + ")");
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
