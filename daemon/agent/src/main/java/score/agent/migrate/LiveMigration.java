package score.agent.migrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import score.agent.config.ClusterConfig;
import score.agent.libvirt.HypervisorException;
import score.agent.libvirt.LibvirtCalls;
import score.agent.libvirt.LibvirtInventory;
import score.agent.libvirt.LibvirtMigrator;
import score.agent.libvirt.NativeDomain;
import score.core.plan.DirtyRate;
import score.core.plan.DirtyRateSamples;
import score.core.plan.MigrationBroker;
import score.core.plan.MigrationGoal;
import score.core.plan.MigrationPlan;

/**
 * One operator-ordered live migration, end to end: find the VM among the cluster's hosts, measure
 * its dirty rate, plan with the project's planner, migrate through the adapter, raise the bandwidth
 * at a new round when the dirty rate the hypervisor observed needs more to meet the deadline
 * (sampling before the start can be off by a fifth), switch to post-copy when the plan or the
 * deadline calls for it, and check afterwards that the VM runs on exactly one host. {@code score
 * migrate} is a thin shell around this.
 */
public final class LiveMigration {
  /** Where the VM runs now and what it is. */
  public record Located(int hostId, ClusterConfig.Hypervisor host, long memoryBytes) {}

  /** The plan, and once it ran, what happened. */
  public record Report(
      String vm,
      ClusterConfig.Hypervisor from,
      ClusterConfig.Hypervisor to,
      double dirtyRateBytesPerSecond,
      long memoryBytes,
      MigrationPlan plan,
      Optional<LibvirtMigrator.Outcome> outcome,
      List<MigrationBroker.BandwidthChange> bandwidthChanges,
      List<String> runningOn) {}

  /** Tuning of one run. */
  public record Settings(
      Duration callTimeout,
      Duration dirtyRateSamplingPeriod,
      Duration progressPeriod,
      Duration progressTimeout,
      Optional<Duration> completionTimeout,
      boolean copyStorage) {}

  private final ClusterConfig cluster;
  private final LibvirtCalls calls;
  private final Settings settings;

  public LiveMigration(
      final ClusterConfig cluster, final LibvirtCalls calls, final Settings settings) {
    this.cluster = cluster;
    this.calls = calls;
    this.settings = settings;
  }

  /**
   * The host running {@code vm}. Hosts whose libvirtd does not answer are listed in the exception
   * when the VM is found on none of the others.
   *
   * @throws HypervisorException NOT_RUNNING when the VM is on no reachable host and some hosts did
   *     not answer; FAILED when every host answered and none runs it
   */
  public Located locate(final String vm) throws HypervisorException {
    final Map<String, String> unreachable = new LinkedHashMap<>();
    for (final Map.Entry<Integer, ClusterConfig.Hypervisor> host :
        cluster.hypervisors().entrySet()) {
      try (LibvirtInventory inventory =
          LibvirtInventory.connect(host.getValue().libvirtUri(), settings.callTimeout(), calls)) {
        for (final LibvirtInventory.Vm running : inventory.runningVms()) {
          if (running.name().equals(vm)) {
            return new Located(host.getKey(), host.getValue(), running.memoryBytes());
          }
        }
      } catch (final HypervisorException e) {
        unreachable.put(host.getValue().name(), e.getMessage());
      }
    }
    if (!unreachable.isEmpty()) {
      final StringBuilder hosts = new StringBuilder();
      unreachable.forEach(
          (name, why) ->
              hosts.append(hosts.length() == 0 ? "" : "; ").append(name).append(": ").append(why));
      throw new HypervisorException(
          HypervisorException.Kind.NOT_RUNNING,
          "VM " + vm + " runs on none of the hosts that answered; no answer from " + hosts,
          null);
    }
    throw new HypervisorException(
        HypervisorException.Kind.FAILED,
        "VM " + vm + " runs on none of the " + cluster.hypervisors().size() + " hosts",
        null);
  }

  /**
   * Measures the VM's dirty rate on its host by page sampling, {@code samples} times in a row over
   * the configured period each. libvirt samples 512 pages per GiB, so one measurement of a small VM
   * is off by a fifth or more; several, combined by {@code policy}, are steadier.
   */
  public DirtyRateSamples measureDirtyRate(final String vm, final Located where, final int samples)
      throws HypervisorException, InterruptedException {
    if (samples < 1 || samples > 60) {
      throw new IllegalArgumentException("take 1..60 dirty-rate samples, not " + samples);
    }
    final List<DirtyRate> rates = new ArrayList<>();
    try (NativeDomain domain =
        NativeDomain.open(calls, settings.callTimeout(), where.host().libvirtUri(), vm)) {
      for (int i = 0; i < samples; i++) {
        final Optional<Long> bytesPerSecond =
            domain.measureDirtyRate(settings.dirtyRateSamplingPeriod());
        if (bytesPerSecond.isEmpty()) {
          throw new HypervisorException(
              HypervisorException.Kind.TIMEOUT,
              "libvirt at "
                  + where.host().libvirtUri()
                  + " did not finish measuring the dirty rate of "
                  + vm,
              null);
        }
        rates.add(new DirtyRate(bytesPerSecond.get()));
      }
    }
    return new DirtyRateSamples(rates);
  }

  /** The plan (may throw {@link score.core.plan.InfeasiblePlanException}). */
  public static MigrationPlan plan(
      final MigrationGoal goal, final long memoryBytes, final DirtyRate dirtyRate) {
    return MigrationBroker.plan(goal, memoryBytes, dirtyRate);
  }

  /** Runs the plan and reports what happened, with where the VM runs afterwards. */
  public Report migrate(
      final String vm,
      final Located from,
      final ClusterConfig.Hypervisor to,
      final MigrationGoal goal,
      final DirtyRate dirtyRate,
      final MigrationPlan plan,
      final LibvirtMigrator.ProgressListener progress)
      throws HypervisorException {
    return migrate(vm, from, to, goal, dirtyRate, plan, progress, false);
  }

  /**
   * As {@link #migrate(String, Located, ClusterConfig.Hypervisor, MigrationGoal, DirtyRate,
   * MigrationPlan, LibvirtMigrator.ProgressListener)}; with {@code postCopyAtOnce} (the goal must
   * allow post-copy) the VM switches to post-copy as soon as the first pass runs: the technique a
   * drain chose for a VM whose own sending would contend with its pre-copy.
   */
  public Report migrate(
      final String vm,
      final Located from,
      final ClusterConfig.Hypervisor to,
      final MigrationGoal goal,
      final DirtyRate dirtyRate,
      final MigrationPlan plan,
      final LibvirtMigrator.ProgressListener progress,
      final boolean postCopyAtOnce)
      throws HypervisorException {
    final double predicted = plan.estimate().timeSeconds();
    final Duration giveUpAfter =
        settings
            .completionTimeout()
            .orElse(Duration.ofMillis((long) (1000 * Math.max(2 * predicted, predicted + 60))));
    final MigrationBroker broker = MigrationBroker.forPlan(goal, plan, postCopyAtOnce);
    final LibvirtMigrator.ProgressListener steering =
        (now, handle) -> {
          progress.progress(now, handle);
          final MigrationBroker.Steer steer =
              broker.onProgress(
                  new MigrationBroker.Progress(
                      now.elapsedMillis() / 1e3,
                      now.iteration(),
                      now.dataRemainingBytes(),
                      now.dirtyPagesPerSecond(),
                      handle.inPostCopy()));
          if (steer.raiseTo().isPresent()) {
            handle.setBandwidth(steer.raiseTo().get().bitsPerSecond() / 8);
          }
          if (steer.startPostCopy()) {
            handle.startPostCopy();
          }
        };
    final LibvirtMigrator.Outcome outcome =
        new LibvirtMigrator(calls, settings.callTimeout())
            .migrate(
                new LibvirtMigrator.Request(
                    vm,
                    from.host().libvirtUri(),
                    to.libvirtUri(),
                    to.migrationUri(),
                    (long) Math.ceil(plan.appliedBytesPerSecond()),
                    goal.maxDowntime(),
                    goal.postCopyAllowed(),
                    false,
                    settings.copyStorage(),
                    giveUpAfter,
                    settings.progressTimeout()),
                settings.progressPeriod(),
                steering);
    return new Report(
        vm,
        from.host(),
        to,
        dirtyRate.bytesPerSecond(),
        from.memoryBytes(),
        plan,
        Optional.of(outcome),
        broker.changes(),
        runningOn(vm, List.of(from.host(), to)));
  }

  /** Which of {@code hosts} run {@code vm} now ("?NAME" for a host that did not answer). */
  public List<String> runningOn(final String vm, final List<ClusterConfig.Hypervisor> hosts) {
    final List<String> found = new ArrayList<>();
    for (final ClusterConfig.Hypervisor host : hosts) {
      try (LibvirtInventory inventory =
          LibvirtInventory.connect(host.libvirtUri(), settings.callTimeout(), calls)) {
        if (inventory.runningVms().stream().anyMatch(running -> running.name().equals(vm))) {
          found.add(host.name());
        }
      } catch (final HypervisorException e) {
        found.add("?" + host.name());
      }
    }
    return found;
  }
}
