package score.agent.migrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.libvirt.HypervisorException;
import score.core.decision.DrainPlanner;
import score.core.decision.LinkWeights;
import score.core.decision.Topology;
import score.core.plan.BitRate;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRatePolicy;
import score.core.plan.InfeasiblePlanException;
import score.core.plan.MigrationGoal;
import score.core.plan.MigrationPlan;
import score.core.plan.PowerModel;
import score.core.plan.Technique;

/**
 * {@code score drain}: empties this host before the deadline. The plan comes from {@link
 * DrainPlanner} (destinations by communication cost within the room the other hosts report;
 * pre-copy or post-copy per VM by its traffic direction); the VMs then go one after the other, each
 * with the least bandwidth that meets its share of the time left (VMPatrol's planner), post-copied
 * VMs switching to post-copy as soon as their first pass runs. Runs on its own thread; {@link
 * #status} is read by {@code score drain} until the drain ends.
 */
public final class HostDrain {
  private static final System.Logger LOG = System.getLogger(HostDrain.class.getName());

  /** What the drain knows before it plans: the VMs and the room elsewhere. */
  public record Inputs(List<DrainPlanner.DrainVm> vms, Map<Integer, DrainPlanner.Room> rooms) {}

  /** One VM's move as it went. */
  public record MoveReport(
      String vm,
      String to,
      String technique,
      double costHere,
      double costThere,
      String outcome,
      double seconds,
      String why) {}

  /** The drain so far. */
  public record Status(
      String host,
      String state,
      double deadlineSeconds,
      double elapsedSeconds,
      boolean deadlineMet,
      List<MoveReport> moves,
      String why) {}

  private final int self;
  private final ClusterConfig cluster;
  private final Topology topology;
  private final LinkWeights weights;
  private final LiveMigration migration;
  private final AgentConfig.Migration settings;
  private volatile Status status;

  public HostDrain(
      final int self,
      final ClusterConfig cluster,
      final Topology topology,
      final LinkWeights weights,
      final LiveMigration migration,
      final AgentConfig.Migration settings) {
    this.self = self;
    this.cluster = cluster;
    this.topology = topology;
    this.weights = weights;
    this.migration = migration;
    this.settings = settings;
    this.status = new Status(name(), "idle", 0, 0, false, List.of(), "");
  }

  private String name() {
    return cluster.hypervisors().get(self).name();
  }

  public Status status() {
    return status;
  }

  public boolean running() {
    return status.state().equals("planning") || status.state().equals("migrating");
  }

  /**
   * Starts draining; {@code inputs} gathers the VMs and the other hosts' room. {@code ended} runs
   * when the drain is over, whatever its outcome.
   */
  public synchronized boolean start(
      final Duration deadline,
      final Supplier<CompletableFuture<Inputs>> inputs,
      final Runnable ended) {
    if (running()) {
      return false;
    }
    status = new Status(name(), "planning", deadline.toMillis() / 1e3, 0, false, List.of(), "");
    final Thread thread =
        new Thread(
            () -> {
              try {
                run(deadline, inputs);
              } finally {
                ended.run();
              }
            },
            "score-drain");
    thread.setDaemon(true);
    thread.start();
    return true;
  }

  private void run(final Duration deadline, final Supplier<CompletableFuture<Inputs>> inputs) {
    final long startNanos = System.nanoTime();
    final double deadlineSeconds = deadline.toMillis() / 1e3;
    final Inputs gathered;
    try {
      gathered = inputs.get().get(30, TimeUnit.SECONDS);
    } catch (final ExecutionException | TimeoutException e) {
      status =
          new Status(
              name(), "failed", deadlineSeconds, seconds(startNanos), false, List.of(), "" + e);
      return;
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    final DrainPlanner.Plan plan =
        DrainPlanner.plan(self, gathered.vms(), gathered.rooms(), topology, weights);
    LOG.log(
        System.Logger.Level.INFO,
        "draining "
            + name()
            + ": "
            + plan.moves().size()
            + " VMs within "
            + deadline
            + " ("
            + plan.techniques().method()
            + ")");
    final List<MoveReport> reports = new ArrayList<>();
    for (final DrainPlanner.Move move : plan.moves()) {
      reports.add(report(move, "waiting", 0, ""));
    }
    status =
        new Status(name(), "migrating", deadlineSeconds, seconds(startNanos), false, reports, "");
    boolean allMoved = true;
    for (int i = 0; i < plan.moves().size(); i++) {
      final DrainPlanner.Move move = plan.moves().get(i);
      final long vmStart = System.nanoTime();
      final double left = deadlineSeconds - seconds(startNanos);
      final int vmsLeft = plan.moves().size() - i;
      String outcome;
      String why = "";
      if (move.toHost() < 0) {
        outcome = "failed";
        why = "no host reported room for it";
      } else if (left <= 0) {
        outcome = "failed";
        why = "the deadline passed before its turn";
      } else {
        reports.set(i, report(move, "migrating", 0, ""));
        status =
            new Status(
                name(), "migrating", deadlineSeconds, seconds(startNanos), false, reports, "");
        try {
          final LiveMigration.Report report = migrate(move, Math.max(1, left / vmsLeft));
          final boolean ok = report.outcome().map(o -> o.succeeded()).orElse(false);
          outcome = ok ? "moved" : "failed";
          why = report.outcome().map(o -> o.why()).orElse("");
        } catch (final HypervisorException | InfeasiblePlanException | IllegalArgumentException e) {
          outcome = "failed";
          why = e.getMessage();
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          outcome = "failed";
          why = "interrupted";
        }
      }
      allMoved &= outcome.equals("moved");
      reports.set(i, report(move, outcome, seconds(vmStart), why));
      status =
          new Status(name(), "migrating", deadlineSeconds, seconds(startNanos), false, reports, "");
    }
    final double elapsed = seconds(startNanos);
    status =
        new Status(
            name(),
            allMoved ? "done" : "failed",
            deadlineSeconds,
            elapsed,
            allMoved && elapsed <= deadlineSeconds,
            reports,
            allMoved ? "" : "not every VM could leave; see each move");
    LOG.log(
        System.Logger.Level.INFO,
        "drain of " + name() + " " + status.state() + " in " + Math.round(elapsed) + " s");
  }

  private LiveMigration.Report migrate(final DrainPlanner.Move move, final double seconds)
      throws HypervisorException, InterruptedException {
    final DrainPlanner.DrainVm vm = move.vm();
    final LiveMigration.Located from =
        new LiveMigration.Located(self, cluster.hypervisors().get(self), vm.memoryBytes());
    final DirtyRate rate =
        migration.measureDirtyRate(vm.name(), from, 1).pick(DirtyRatePolicy.MEAN);
    final boolean postCopy = move.technique() == Technique.POST_COPY;
    final MigrationGoal goal =
        new MigrationGoal(
            Optional.of(Duration.ofMillis((long) (seconds * 1e3))),
            Optional.<BitRate>empty(),
            settings.maxDowntime(),
            settings.objective(),
            settings.bandwidthPerMigration(),
            PowerModel.DEFAULT,
            postCopy || settings.allowPostCopy());
    final MigrationPlan plan = LiveMigration.plan(goal, vm.memoryBytes(), rate);
    return migration.migrate(
        vm.name(),
        from,
        cluster.hypervisors().get(move.toHost()),
        goal,
        rate,
        plan,
        (now, handle) -> {},
        postCopy);
  }

  private MoveReport report(
      final DrainPlanner.Move move, final String outcome, final double seconds, final String why) {
    final ClusterConfig.Hypervisor to = cluster.hypervisors().get(move.toHost());
    return new MoveReport(
        move.vm().name(),
        to == null ? "" : to.name(),
        move.technique() == Technique.POST_COPY ? "post-copy" : "pre-copy",
        move.costHere(),
        Double.isNaN(move.costThere()) ? -1 : move.costThere(),
        outcome,
        seconds,
        why);
  }

  private static double seconds(final long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
