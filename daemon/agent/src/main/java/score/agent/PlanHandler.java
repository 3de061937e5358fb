package score.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import score.agent.config.AgentConfig;
import score.agent.config.ClusterConfig;
import score.agent.control.ControlAnswer;
import score.agent.control.ControlRequest;
import score.agent.libvirt.HypervisorException;
import score.agent.migrate.DecidedMigrations;
import score.agent.migrate.LiveMigration;
import score.core.host.HostTokenLoop;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRatePolicy;
import score.core.plan.InfeasiblePlanException;
import score.core.plan.MigrationGoal;
import score.core.plan.MigrationPlan;
import score.core.port.Hypervisor;

/**
 * {@code score plan --vm NAME --to HOST}: what the holder would weigh for this VM (the loop's own
 * eq. 1 and eq. 2 terms, read on the ring's thread) and the migration the planner would run (its
 * dirty rate sampled once, on this control worker).
 */
final class PlanHandler {
  /** The answer: eq. 1 and eq. 2's terms, then the migration (or why it cannot be planned). */
  record PlanAnswer(
      List<Neighbour> neighbours,
      double costHere,
      double costThere,
      double gain,
      double migrationCost,
      boolean eq2Holds,
      String why,
      String vm,
      String from,
      String to,
      Object migration) {}

  /** One neighbour; {@code host} null while unknown, and then no levels. */
  record Neighbour(
      String neighbour,
      long bytesPerSecond,
      String host,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer levelHere,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer levelThere) {}

  /** The migration the planner would run. */
  record PlannedMigration(
      long memoryBytes,
      long dirtyRateBytesPerSecond,
      double deadlineSeconds,
      double bandwidthMbps,
      double predictedSeconds) {}

  private final AgentConfig config;
  private final Hypervisor hypervisor;
  private final HostTokenLoop loop;
  private final DecidedMigrations.RingThread ring;
  private final LiveMigration liveMigration;
  private final DecidedMigrations migrations;

  PlanHandler(
      final AgentConfig config,
      final Hypervisor hypervisor,
      final HostTokenLoop loop,
      final DecidedMigrations.RingThread ring,
      final LiveMigration liveMigration,
      final DecidedMigrations migrations) {
    this.config = config;
    this.hypervisor = hypervisor;
    this.loop = loop;
    this.ring = ring;
    this.liveMigration = liveMigration;
    this.migrations = migrations;
  }

  Object answer(final ControlRequest.Plan request) {
    final ClusterConfig cluster = config.cluster();
    final Hypervisor.Vm vm =
        hypervisor.vms().stream()
            .filter(v -> v.name().equals(request.vm()))
            .findFirst()
            .orElse(null);
    final String here = cluster.hypervisors().get(config.self()).name();
    if (vm == null) {
      return new ControlAnswer.Refused(
          "VM '" + request.vm() + "' does not run on " + here + ": ask its host");
    }
    final Optional<Integer> to = cluster.hostNamed(String.valueOf(request.to()));
    if (to.isEmpty()) {
      return new ControlAnswer.Refused("no member '" + request.to() + "' in " + config.file());
    }
    if (vm.ipv4() == 0) {
      return new ControlAnswer.Refused(
          "the address of " + request.vm() + " is not known yet (it has sent nothing)");
    }
    final CompletableFuture<HostTokenLoop.PlanTerms> terms = new CompletableFuture<>();
    ring.run(() -> terms.complete(loop.planTerms(vm.ipv4(), to.get(), System.nanoTime())));
    final HostTokenLoop.PlanTerms read;
    try {
      read = terms.get(3, TimeUnit.SECONDS);
    } catch (final ExecutionException | TimeoutException e) {
      return new ControlAnswer.Refused("the ring thread did not answer: " + e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ControlAnswer.Refused("interrupted");
    }
    return new PlanAnswer(
        neighbours(read),
        read.costHere(),
        read.costThere(),
        read.gain(),
        read.migrationCost(),
        read.eq2Holds(),
        "2·Σλ(cost now − cost there) = "
            + Math.round(read.gain())
            + (read.eq2Holds() ? " > c_m = " : " ≤ c_m = ")
            + Math.round(read.migrationCost())
            + (read.eq2Holds() ? ": the move pays if the host has room" : ": the VM stays"),
        request.vm(),
        here,
        cluster.hypervisors().get(to.get()).name(),
        migration(vm));
  }

  /** The migration the planner would run now. */
  private Object migration(final Hypervisor.Vm vm) {
    final ClusterConfig cluster = config.cluster();
    try {
      final LiveMigration.Located from =
          new LiveMigration.Located(
              config.self(), cluster.hypervisors().get(config.self()), vm.memoryBytes());
      final DirtyRate rate =
          liveMigration.measureDirtyRate(vm.name(), from, 1).pick(DirtyRatePolicy.MEAN);
      final MigrationGoal goal = migrations.goal(vm.memoryBytes());
      final MigrationPlan migration = LiveMigration.plan(goal, vm.memoryBytes(), rate);
      return new PlannedMigration(
          vm.memoryBytes(),
          Math.round(rate.bytesPerSecond()),
          goal.deadline().orElseThrow().toMillis() / 1e3,
          migration.appliedBandwidth().bitsPerSecond() / 1e6,
          migration.estimate().timeSeconds());
    } catch (final HypervisorException | InfeasiblePlanException | IllegalArgumentException e) {
      return new ControlAnswer.Refused(String.valueOf(e.getMessage()));
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ControlAnswer.Refused("interrupted");
    }
  }

  private List<Neighbour> neighbours(final HostTokenLoop.PlanTerms terms) {
    final List<Neighbour> rows = new ArrayList<>();
    for (final HostTokenLoop.NeighbourTerm term : terms.neighbours()) {
      final boolean known = term.host() >= 0;
      final ClusterConfig.Hypervisor where =
          known ? config.cluster().hypervisors().get(term.host()) : null;
      rows.add(
          new Neighbour(
              score.flowtable.Ipv4.format(term.vm()),
              Math.round(term.bytesPerSecond()),
              !known ? null : where == null ? "" + term.host() : where.name(),
              known ? term.levelHere() : null,
              known ? term.levelThere() : null));
    }
    return rows;
  }
}
