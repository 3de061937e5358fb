package score.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import score.agent.config.ClusterConfig;
import score.agent.config.ConfigException;
import score.agent.libvirt.HypervisorException;
import score.agent.libvirt.LibvirtCalls;
import score.agent.libvirt.LibvirtMigrator;
import score.agent.migrate.LiveMigration;
import score.core.plan.BitRate;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRatePolicy;
import score.core.plan.InfeasiblePlanException;
import score.core.plan.MigrationGoal;
import score.core.plan.MigrationPlan;
import score.core.plan.Power;
import score.core.plan.PowerModel;

/** {@code score migrate}: one planned live migration, with the plan beside what happened. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Live-migrate VM to HOST: measure its dirty rate, plan the bandwidth (the least that meets"
          + " --deadline, or the minimum-energy one), migrate with libvirt, and print the plan"
          + " beside what happened.",
      "  score migrate web1 --to kvm3 --deadline 60s",
      "  score migrate web1 --to kvm3 --bandwidth 200Mbps --allow-post-copy --json",
      "Hosts, their libvirt URIs and migration addresses come from the cluster file (--config).",
      "Exit 0: migrated. Exit 1: the migration failed or was aborted (the VM stays on its host),"
          + " or a libvirtd does not answer. Exit 2: bad input, or an infeasible deadline (the"
          + " message names the least deadline or bandwidth that would work); nothing was started."
    })
public final class MigrateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin JsonOption json = new JsonOption();

  @Parameters(index = "0", paramLabel = "VM", description = "The VM's libvirt name.")
  String vm;

  @Option(names = "--to", required = true, paramLabel = "HOST", description = "Destination host.")
  String to;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "/etc/score/agent.yaml",
      description = "agent.yaml, or a cluster file of host lines (default ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--deadline",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Finish within TIME (60s, 2min); the planner picks the bandwidth.")
  Duration deadline;

  @Option(
      names = "--bandwidth",
      paramLabel = "RATE",
      converter = PlanCommand.BitRateConverter.class,
      description = "Migrate at RATE (200Mbps, 1Gbps) instead of planning for a deadline.")
  BitRate bandwidth;

  @Option(
      names = "--downtime",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "300ms",
      description = "Allowed downtime at the switchover (default ${DEFAULT-VALUE}).")
  Duration downtime;

  @Option(
      names = "--objective",
      defaultValue = "min-bandwidth",
      description = "min-bandwidth (default) or min-energy (needs --max-bandwidth).")
  String objective;

  @Option(
      names = "--max-bandwidth",
      paramLabel = "RATE",
      converter = PlanCommand.BitRateConverter.class,
      description = "The path's available bandwidth R̄; a deadline needing more is infeasible.")
  BitRate maxBandwidth;

  @Option(
      names = "--allow-post-copy",
      description =
          "Switch to post-copy after the first full copy when pre-copy would miss the deadline"
              + " or cannot converge at --bandwidth.")
  boolean allowPostCopy;

  @Option(
      names = "--copy-storage",
      description = "Copy the VM's disks too (hosts without shared storage).")
  boolean copyStorage;

  @Option(
      names = "--dirty-rate",
      paramLabel = "RATE",
      converter = PlanCommand.DirtyRateConverter.class,
      description = "Plan with this dirty rate (5000pages/s, 20MiB/s) instead of measuring it.")
  DirtyRate dirtyRate;

  @Option(
      names = "--dirty-rate-period",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "2s",
      description = "How long libvirt samples the dirty rate (default ${DEFAULT-VALUE}).")
  Duration dirtyRatePeriod;

  @Option(
      names = "--dirty-rate-samples",
      paramLabel = "N",
      defaultValue = "3",
      description = "How many samples to take in a row (default ${DEFAULT-VALUE}).")
  int dirtyRateSamples;

  @Option(
      names = "--dirty-rate-from",
      paramLabel = "mean|max",
      defaultValue = "mean",
      description =
          "Plan with the mean (default) or the maximum of the samples. The mean suffices here"
              + " because the bandwidth is raised while the migration runs when the VM dirties"
              + " more than sampled.")
  String dirtyRateFrom;

  @Option(
      names = "--progress-timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description = "Abort when no data moved for TIME (default ${DEFAULT-VALUE}).")
  Duration progressTimeout;

  @Option(
      names = "--completion-timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "Abort when not done after TIME (default: twice the prediction, at least"
              + " the prediction + 60 s). A migration in post-copy is never aborted.")
  Duration completionTimeout;

  @Option(
      names = "--libvirt-timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description = "Timeout of each libvirt call (default ${DEFAULT-VALUE}).")
  Duration libvirtTimeout;

  @Option(names = "--dry-run", description = "Print the plan only; migrate nothing.")
  boolean dryRun;

  @Override
  public void run() {
    final MigrationGoal goal = goal();
    final ClusterConfig cluster;
    try {
      cluster =
          score.agent.config.AgentConfig.isAgentYaml(config)
              ? score.agent.config.AgentConfig.loadForTools(config).cluster()
              : ClusterConfig.load(config);
    } catch (final ConfigException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
    final int destinationId =
        cluster
            .hostNamed(to)
            .orElseThrow(
                () ->
                    CommandFailure.badInput(
                        "no host '"
                            + to
                            + "' in "
                            + config
                            + "; hosts: "
                            + cluster.hypervisors().values().stream()
                                .map(ClusterConfig.Hypervisor::name)
                                .toList()));
    final ClusterConfig.Hypervisor destination = cluster.hypervisors().get(destinationId);
    final PrintWriter out = spec.commandLine().getOut();
    try (LibvirtCalls calls = new LibvirtCalls()) {
      final LiveMigration migration =
          new LiveMigration(
              cluster,
              calls,
              new LiveMigration.Settings(
                  libvirtTimeout,
                  dirtyRatePeriod,
                  Duration.ofMillis(500),
                  progressTimeout,
                  Optional.ofNullable(completionTimeout),
                  copyStorage));
      final LiveMigration.Located from = migration.locate(vm);
      if (from.hostId() == destinationId) {
        throw CommandFailure.badInput(
            "VM " + vm + " already runs on " + destination.name() + "; nothing to do");
      }
      final List<String> destinationAnswers = migration.runningOn(vm, List.of(destination));
      if (destinationAnswers.contains("?" + destination.name())) {
        throw CommandFailure.failure(
            "libvirtd of "
                + destination.name()
                + " does not answer at "
                + destination.libvirtUri()
                + "; nothing was started",
            null);
      }
      final DirtyRate rate =
          dirtyRate != null
              ? dirtyRate
              : migration.measureDirtyRate(vm, from, dirtyRateSamples).pick(policy());
      final MigrationPlan plan;
      try {
        plan = LiveMigration.plan(goal, from.memoryBytes(), rate);
      } catch (final InfeasiblePlanException e) {
        throw CommandFailure.badInput("infeasible: " + e.getMessage() + "; nothing was started");
      } catch (final IllegalArgumentException | ArithmeticException e) {
        throw CommandFailure.badInput("cannot plan: " + e.getMessage() + "; nothing was started");
      }
      if (dryRun) {
        print(
            out,
            new LiveMigration.Report(
                vm,
                from.host(),
                destination,
                rate.bytesPerSecond(),
                from.memoryBytes(),
                plan,
                Optional.empty(),
                List.of(),
                List.of(from.host().name())));
        return;
      }
      if (!json.enabled()) {
        printPlan(out, vm, from.host().name(), destination.name(), rate, plan);
      }
      final LiveMigration.Report report =
          migration.migrate(
              vm, from, destination, goal, rate, plan, LibvirtMigrator.ProgressListener.NONE);
      print(out, report);
      final Output output = Output.of(report);
      if (!"completed".equals(output.outcome())) {
        throw CommandFailure.failure(
            "the migration of "
                + vm
                + " did not complete ("
                + output.outcome()
                + "): "
                + output.why()
                + "; it runs on "
                + output.runningOn(),
            null);
      }
    } catch (final HypervisorException e) {
      throw CommandFailure.failure(e.getMessage(), e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failure("interrupted", e);
    }
  }

  private DirtyRatePolicy policy() {
    return switch (dirtyRateFrom.toLowerCase(Locale.ROOT)) {
      case "mean" -> DirtyRatePolicy.MEAN;
      case "max", "maximum" -> DirtyRatePolicy.MAXIMUM;
      default ->
          throw CommandFailure.badInput(
              "unknown --dirty-rate-from '" + dirtyRateFrom + "': use mean or max");
    };
  }

  private MigrationGoal goal() {
    if (dirtyRateSamples < 1 || dirtyRateSamples > 60) {
      throw CommandFailure.badInput("--dirty-rate-samples takes 1..60, not " + dirtyRateSamples);
    }
    policy();
    positive("--dirty-rate-period", dirtyRatePeriod);
    if (dirtyRatePeriod.compareTo(Duration.ofSeconds(60)) > 0) {
      throw CommandFailure.badInput("--dirty-rate-period takes at most 60s (libvirt's limit)");
    }
    positive("--progress-timeout", progressTimeout);
    positive("--libvirt-timeout", libvirtTimeout);
    if (completionTimeout != null) {
      positive("--completion-timeout", completionTimeout);
    }
    if ((deadline == null) == (bandwidth == null)) {
      throw CommandFailure.badInput("give either --deadline or --bandwidth");
    }
    try {
      return new MigrationGoal(
          Optional.ofNullable(deadline),
          Optional.ofNullable(bandwidth),
          downtime,
          MigrationGoal.Objective.parse(objective),
          Optional.ofNullable(maxBandwidth),
          new PowerModel(Power.ofWatts(2), Power.ofWatts(2), BitRate.parse("1Gbps"), 2),
          allowPostCopy);
    } catch (final IllegalArgumentException e) {
      throw CommandFailure.badInput(e.getMessage());
    }
  }

  private static void positive(final String option, final Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw CommandFailure.badInput(option + " must be positive");
    }
  }

  private static void printPlan(
      final PrintWriter out,
      final String vm,
      final String from,
      final String to,
      final DirtyRate rate,
      final MigrationPlan plan) {
    out.printf(
        Locale.ROOT,
        "plan: %s %s -> %s at %.3f Mbps (planned %.3f Mbps; dirty rate %.0f pages/s),"
            + " %d rounds, %.1f MiB, %.2f s, downtime %.0f ms%s%n",
        vm,
        from,
        to,
        plan.appliedBandwidth().megabitsPerSecond(),
        plan.plannedBandwidth().megabitsPerSecond(),
        rate.pagesPerSecond(),
        plan.estimate().rounds(),
        plan.estimate().trafficMebibytes(),
        plan.estimate().timeSeconds(),
        plan.estimate().downtimeMillis(),
        plan.postCopyAfterFirstRound() ? ", then post-copy" : "");
    out.flush();
  }

  private void print(final PrintWriter out, final LiveMigration.Report report) {
    final Output output = Output.of(report);
    if (json.enabled()) {
      JsonOption.print(out, output);
      return;
    }
    if (report.outcome().isEmpty()) {
      printPlan(
          out,
          report.vm(),
          report.from().name(),
          report.to().name(),
          new DirtyRate(report.dirtyRateBytesPerSecond()),
          report.plan());
      out.println("dry run: nothing was migrated");
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s: %.2f s (predicted %.2f s), %.1f MiB moved, %d rounds, downtime %d ms%s; runs on %s%n",
        output.outcome(),
        output.measuredSeconds(),
        output.predictedSeconds(),
        output.dataMiB(),
        output.rounds(),
        output.downtimeMillis(),
        output.postCopy() ? ", post-copy" : "",
        String.join(", ", output.runningOn()));
    for (final BandwidthChangeOutput change : output.bandwidthChanges()) {
      out.printf(
          Locale.ROOT,
          "  re-planned at %.1f s (round %d): %.3f Mbps%n",
          change.atSeconds(),
          change.round(),
          change.bandwidthMbps());
    }
    if (!"completed".equals(output.outcome())) {
      out.println("why: " + output.why());
    }
    out.flush();
  }

  /** A re-planned bandwidth: when, at which round, how much. */
  record BandwidthChangeOutput(double atSeconds, long round, double bandwidthMbps) {}

  /** {@code score migrate --json}; Mbps = 10^6 bit/s, MiB = 2^20 bytes. */
  record Output(
      String vm,
      String from,
      String to,
      double memoryMiB,
      double dirtyRatePagesPerSecond,
      double plannedBandwidthMbps,
      double appliedBandwidthMbps,
      long predictedRounds,
      double predictedSeconds,
      double predictedDowntimeMillis,
      boolean plannedPostCopy,
      Double measuredSeconds,
      Double dataMiB,
      Long rounds,
      Long downtimeMillis,
      Boolean postCopy,
      List<BandwidthChangeOutput> bandwidthChanges,
      String outcome,
      String why,
      List<String> runningOn) {
    static Output of(final LiveMigration.Report report) {
      final MigrationPlan plan = report.plan();
      final Optional<LibvirtMigrator.Outcome> done = report.outcome();
      return new Output(
          report.vm(),
          report.from().name(),
          report.to().name(),
          report.memoryBytes() / (double) (1 << 20),
          report.dirtyRateBytesPerSecond() / DirtyRate.PAGE_BYTES,
          plan.plannedBandwidth().megabitsPerSecond(),
          plan.appliedBandwidth().megabitsPerSecond(),
          plan.estimate().rounds(),
          plan.estimate().timeSeconds(),
          plan.estimate().downtimeMillis(),
          plan.postCopyAfterFirstRound(),
          done.map(o -> o.elapsedMillis() / 1e3).orElse(null),
          done.map(o -> o.dataProcessedBytes() / (double) (1 << 20)).orElse(null),
          done.map(LibvirtMigrator.Outcome::rounds).orElse(null),
          done.map(LibvirtMigrator.Outcome::downtimeMillis).orElse(null),
          done.map(LibvirtMigrator.Outcome::postCopy).orElse(null),
          report.bandwidthChanges().stream()
              .map(
                  change ->
                      new BandwidthChangeOutput(
                          change.atSeconds(),
                          change.iteration(),
                          change.bandwidth().megabitsPerSecond()))
              .toList(),
          done.map(o -> outcomeOf(o, report.runningOn(), report.to().name())).orElse("planned"),
          done.map(LibvirtMigrator.Outcome::why).orElse("dry run"),
          report.runningOn());
    }

    /**
     * completed: on the destination only; failed or aborted: on the source only (a host that did
     * not answer is named in runningOn with a "?"); inconsistent: on both, or on neither.
     */
    private static String outcomeOf(
        final LibvirtMigrator.Outcome outcome, final List<String> runningOn, final String to) {
      final List<String> known = runningOn.stream().filter(host -> !host.startsWith("?")).toList();
      if (known.size() != 1) {
        return "inconsistent";
      }
      if (outcome.succeeded()) {
        return known.get(0).equals(to) ? "completed" : "inconsistent";
      }
      if (known.get(0).equals(to)) {
        return "inconsistent";
      }
      return outcome.why().startsWith("aborted") ? "aborted" : "failed";
    }
  }
}
