package score.agent.libvirt;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainJobStats;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;

/**
 * One managed live migration with libvirt's typed parameters: the planned bandwidth, the allowed
 * downtime, post-copy allowed or not, auto-converge; progress from the job statistics while it
 * runs; an abort (the VM stays on the source) when it does not end in time. The migration call
 * itself blocks inside libvirt, so it runs on its own worker and is supervised from here: a link
 * that goes down or a destination libvirtd that dies can make it wait forever (TESTBED.md).
 */
public final class LibvirtMigrator {
  /**
   * What to migrate and how.
   *
   * @param copyStorage copy the VM's disks too (hosts that share no storage)
   * @param giveUpAfter abort when the migration has not ended by then
   * @param stallAfter abort when no data moved for this long (a dead link or destination daemon)
   */
  public record Request(
      String vmName,
      String sourceUri,
      String destinationUri,
      String migrationUri,
      long bytesPerSecond,
      Duration maxDowntime,
      boolean postCopyAllowed,
      boolean autoConverge,
      boolean copyStorage,
      Duration giveUpAfter,
      Duration stallAfter) {
    public Request {
      Objects.requireNonNull(vmName);
      Objects.requireNonNull(giveUpAfter);
      Objects.requireNonNull(stallAfter);
      if (bytesPerSecond < 1 << 20) {
        throw new IllegalArgumentException(
            "libvirt takes whole MiB/s: " + bytesPerSecond + " B/s is below 1 MiB/s");
      }
    }
  }

  /**
   * The running job as libvirt reports it.
   *
   * @param iteration the pre-copy round (libvirt's memory_iteration)
   * @param dirtyPagesPerSecond the dirty rate libvirt measured for the job (0 until it knows)
   */
  public record Progress(
      long elapsedMillis,
      long dataProcessedBytes,
      long dataRemainingBytes,
      long iteration,
      long dirtyPagesPerSecond) {}

  /** What a listener may change while the migration runs. */
  public interface Steering {
    /** Changes the bandwidth, in bytes per second (libvirt takes whole MiB/s; rounded up). */
    void setBandwidth(long bytesPerSecond) throws HypervisorException;

    /** Switches to post-copy; only when the request allowed post-copy. */
    void startPostCopy() throws HypervisorException;

    boolean inPostCopy();
  }

  /** Told of the job's progress once per period, on the supervising thread. */
  @FunctionalInterface
  public interface ProgressListener {
    /** A failed steering call is logged and the migration goes on. */
    void progress(Progress progress, Steering steering) throws HypervisorException;

    ProgressListener NONE = (progress, steering) -> {};
  }

  /**
   * How it ended; the figures are the destination's statistics of the completed job.
   *
   * @param rounds pre-copy rounds (libvirt's memory_iteration), 0 when unknown
   * @param postCopy whether the migration had switched to post-copy
   */
  public record Outcome(
      boolean succeeded,
      String why,
      long elapsedMillis,
      long dataProcessedBytes,
      long downtimeMillis,
      long rounds,
      boolean postCopy) {}

  private final LibvirtCalls calls;
  private final Duration callTimeout;

  public LibvirtMigrator(final LibvirtCalls calls, final Duration callTimeout) {
    this.calls = calls;
    this.callTimeout = callTimeout;
  }

  /** Migrates and waits for the end, or aborts after {@link Request#giveUpAfter}. */
  public Outcome migrate(final Request request) throws HypervisorException {
    return migrate(request, Duration.ofSeconds(1), ProgressListener.NONE);
  }

  /**
   * Migrates, reports the job's progress every {@code period}, and waits for the end. Aborts (the
   * VM stays on the source) when it has not ended after {@link Request#giveUpAfter} or has moved no
   * data for {@link Request#stallAfter}; a migration already in post-copy is not aborted, since
   * neither side then holds all of the VM's memory. A progress query that fails or times out is
   * logged and skipped: the migration goes on.
   */
  public Outcome migrate(
      final Request request, final Duration period, final ProgressListener listener)
      throws HypervisorException {
    final Connect source =
        calls.run(
            "connect to the source " + request.sourceUri(),
            callTimeout,
            () -> new Connect(request.sourceUri()));
    try (NativeDomain control =
        NativeDomain.open(calls, callTimeout, request.sourceUri(), request.vmName())) {
      final Connect destination =
          calls.run(
              "connect to the destination " + request.destinationUri(),
              callTimeout,
              () -> new Connect(request.destinationUri()));
      try {
        return supervise(request, period, listener, source, destination, control);
      } finally {
        closeQuietly(destination, request.destinationUri());
      }
    } finally {
      closeQuietly(source, request.sourceUri());
    }
  }

  private Outcome supervise(
      final Request request,
      final Duration period,
      final ProgressListener listener,
      final Connect source,
      final Connect destination,
      final NativeDomain control)
      throws HypervisorException {
    final Domain domain =
        calls.run(
            "find VM " + request.vmName() + " on " + request.sourceUri(),
            callTimeout,
            () -> source.domainLookupByName(request.vmName()));
    calls.run(
        "set the allowed downtime of " + request.vmName(),
        callTimeout,
        () -> domain.migrateSetMaxDowntime(request.maxDowntime().toMillis()));
    final TypedParameter[] parameters = {
      new TypedStringParameter("migrate_uri", request.migrationUri()),
      new TypedUlongParameter("bandwidth", wholeMebibytes(request.bytesPerSecond())),
    };
    int flags = Domain.MigrateFlags.LIVE | Domain.MigrateFlags.ABORT_ON_ERROR;
    if (request.postCopyAllowed()) {
      flags |= Domain.MigrateFlags.POSTCOPY;
    }
    if (request.autoConverge()) {
      flags |= Domain.MigrateFlags.AUTO_CONVERGE;
    }
    if (request.copyStorage()) {
      flags |= Domain.MigrateFlags.NON_SHARED_DISK;
    }
    final int migrateFlags = flags;
    final SteeringState steering = new SteeringState(request, control);
    final long started = System.nanoTime();
    final CompletableFuture<Domain> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return domain.migrate(destination, parameters, migrateFlags);
              } catch (final org.libvirt.LibvirtException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            runnable -> {
              final Thread thread = new Thread(runnable, "score-migrate-" + request.vmName());
              thread.setDaemon(true);
              thread.start();
            });
    final long giveUpAt = started + request.giveUpAfter().toNanos();
    long lastProcessed = -1;
    long lastIteration = 0;
    long lastMovedAt = started;
    try {
      while (true) {
        final long now = System.nanoTime();
        final boolean late = now - giveUpAt >= 0;
        final boolean stalled = now - lastMovedAt - request.stallAfter().toNanos() >= 0;
        if ((late || stalled) && !steering.inPostCopy()) {
          abort(control, request);
          final String why =
              late
                  ? "aborted: not done within " + seconds(request.giveUpAfter())
                  : "aborted: no data moved for " + seconds(request.stallAfter());
          return new Outcome(
              false,
              why + finalWord(running),
              millisSince(started),
              Math.max(0, lastProcessed),
              0,
              lastIteration,
              false);
        }
        try {
          running.get(
              Math.max(1, Math.min(period.toNanos(), giveUpAt - now)), TimeUnit.NANOSECONDS);
          break;
        } catch (final TimeoutException stillRunning) {
          final Progress progress = report(domain, request, running);
          if (progress != null) {
            if (progress.dataProcessedBytes() != lastProcessed) {
              lastProcessed = progress.dataProcessedBytes();
              lastMovedAt = System.nanoTime();
            }
            lastIteration = progress.iteration();
            try {
              listener.progress(progress, steering);
            } catch (final HypervisorException e) {
              System.getLogger(LibvirtMigrator.class.getName())
                  .log(System.Logger.Level.WARNING, e.getMessage());
            }
          }
        }
      }
    } catch (final ExecutionException e) {
      final Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Outcome(
          false,
          "libvirt failed the migration: " + String.valueOf(cause.getMessage()).strip(),
          millisSince(started),
          Math.max(0, lastProcessed),
          0,
          lastIteration,
          steering.inPostCopy());
    } catch (final InterruptedException e) {
      if (!steering.inPostCopy()) {
        abort(control, request);
      }
      Thread.currentThread().interrupt();
      throw new HypervisorException(
          HypervisorException.Kind.FAILED, "interrupted; the migration was aborted", e);
    }
    return completed(
        destination, request, millisSince(started), steering.inPostCopy(), lastProcessed);
  }

  /** Once aborted, what libvirt said when the migration call returned (a few seconds at most). */
  private String finalWord(final CompletableFuture<Domain> running) {
    try {
      running.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
      return "; libvirt nevertheless completed it";
    } catch (final ExecutionException e) {
      final Throwable cause = e.getCause() == null ? e : e.getCause();
      return "; libvirt: " + String.valueOf(cause.getMessage()).strip();
    } catch (final TimeoutException e) {
      return "; libvirt's migration call had not returned " + seconds(callTimeout) + " later";
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String seconds(final Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1e3);
  }

  private static long millisSince(final long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** libvirt's migration bandwidth unit is MiB/s; a plan's bytes per second round up to it. */
  static long wholeMebibytes(final long bytesPerSecond) {
    return Math.max(1, (bytesPerSecond + (1 << 20) - 1) >> 20);
  }

  /** The listener's handle on the running migration. */
  private final class SteeringState implements Steering {
    private final Request request;
    private final NativeDomain control;
    private volatile boolean postCopy;

    SteeringState(final Request request, final NativeDomain control) {
      this.request = request;
      this.control = control;
    }

    @Override
    public void setBandwidth(final long bytesPerSecond) throws HypervisorException {
      control.setMaxSpeed(wholeMebibytes(bytesPerSecond), false);
    }

    @Override
    public void startPostCopy() throws HypervisorException {
      if (!request.postCopyAllowed()) {
        throw new IllegalStateException(
            "the migration of " + request.vmName() + " was started" + " without post-copy allowed");
      }
      if (!postCopy) {
        control.startPostCopy();
        postCopy = true;
      }
    }

    @Override
    public boolean inPostCopy() {
      return postCopy;
    }
  }

  private Progress report(
      final Domain domain, final Request request, final CompletableFuture<Domain> running) {
    if (running.isDone()) {
      return null;
    }
    final DomainJobStats stats;
    try {
      stats =
          calls.run(
              "read the job of " + request.vmName(), callTimeout, () -> domain.getJobStats(0));
    } catch (final HypervisorException e) {
      try {
        running.get(1, TimeUnit.SECONDS);
      } catch (final InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      } catch (final ExecutionException | TimeoutException | RuntimeException stillRunning) {
        // judged below
      }
      if (!running.isDone()) {
        // a query racing the job's end fails with "domain not found": that is no news
        System.getLogger(LibvirtMigrator.class.getName())
            .log(System.Logger.Level.WARNING, e.getMessage());
      }
      return null;
    }
    final java.util.Map<String, Long> values = numbers(stats);
    return new Progress(
        values.getOrDefault("time_elapsed", 0L),
        values.getOrDefault("data_processed", 0L),
        values.getOrDefault("data_remaining", 0L),
        values.getOrDefault("memory_iteration", 0L),
        values.getOrDefault("memory_dirty_rate", 0L));
  }

  private void abort(final NativeDomain control, final Request request) {
    try {
      control.abortJob(false);
    } catch (final HypervisorException e) {
      System.getLogger(LibvirtMigrator.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "cannot abort the migration of " + request.vmName() + ": " + e.getMessage());
    }
  }

  /** The destination's statistics of the completed job (libvirt clears them on the first read). */
  private Outcome completed(
      final Connect destination,
      final Request request,
      final long millis,
      final boolean postCopy,
      final long lastProcessed)
      throws HypervisorException {
    final DomainJobStats stats =
        calls.run(
            "read the completed job of " + request.vmName(),
            callTimeout,
            () -> destination.domainLookupByName(request.vmName()).getJobStats(1));
    final java.util.Map<String, Long> values = numbers(stats);
    return new Outcome(
        true,
        "completed",
        // after post-copy the destination reports no statistics: what the supervisor saw
        values.getOrDefault("time_elapsed", 0L) > 0 ? values.get("time_elapsed") : millis,
        Math.max(values.getOrDefault("data_processed", 0L), lastProcessed),
        values.getOrDefault("downtime", 0L),
        values.getOrDefault("memory_iteration", 0L),
        postCopy);
  }

  /** The job's integer statistics by name (libvirt's VIR_DOMAIN_JOB_* fields). */
  private static java.util.Map<String, Long> numbers(final DomainJobStats stats) {
    final java.util.Map<String, Long> values = new java.util.HashMap<>();
    for (final TypedParameter stat : stats.stats) {
      try {
        values.put(stat.field, Long.parseLong(stat.getValueAsString()));
      } catch (final NumberFormatException notAnInteger) {
        // a text or floating-point statistic: not one this adapter reads
      }
    }
    return values;
  }

  private void closeQuietly(final Connect connection, final String uri) {
    try {
      calls.run("close the connection to " + uri, callTimeout, connection::close);
    } catch (final HypervisorException e) {
      System.getLogger(LibvirtMigrator.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
    }
  }
}
