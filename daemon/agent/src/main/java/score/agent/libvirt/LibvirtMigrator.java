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
  /** What to migrate and how. */
  public record Request(
      String vmName,
      String sourceUri,
      String destinationUri,
      String migrationUri,
      long bytesPerSecond,
      Duration maxDowntime,
      boolean postCopyAllowed,
      boolean autoConverge,
      Duration giveUpAfter) {
    public Request {
      Objects.requireNonNull(vmName);
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

  /** Told of the job's progress once per period, on the supervising thread. */
  @FunctionalInterface
  public interface ProgressListener {
    void progress(Progress progress);

    ProgressListener NONE = progress -> {};
  }

  /** How it ended; the figures are the destination's statistics of the completed job. */
  public record Outcome(
      boolean succeeded,
      String why,
      long elapsedMillis,
      long dataProcessedBytes,
      long downtimeMillis) {}

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
   * Migrates, reports the job's progress every {@code period}, and waits for the end, or aborts
   * after {@link Request#giveUpAfter}. A progress query that fails or times out is logged and
   * skipped: the migration goes on.
   */
  public Outcome migrate(
      final Request request, final Duration period, final ProgressListener listener)
      throws HypervisorException {
    final Connect source =
        calls.run(
            "connect to the source " + request.sourceUri(),
            callTimeout,
            () -> new Connect(request.sourceUri()));
    final Connect destination =
        calls.run(
            "connect to the destination " + request.destinationUri(),
            callTimeout,
            () -> new Connect(request.destinationUri()));
    try {
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
        new TypedUlongParameter("bandwidth", Math.max(1, request.bytesPerSecond() >> 20)),
      };
      int flags = Domain.MigrateFlags.LIVE | Domain.MigrateFlags.ABORT_ON_ERROR;
      if (request.postCopyAllowed()) {
        flags |= Domain.MigrateFlags.POSTCOPY;
      }
      if (request.autoConverge()) {
        flags |= Domain.MigrateFlags.AUTO_CONVERGE;
      }
      final int migrateFlags = flags;
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
      try {
        final long giveUpAt = started + request.giveUpAfter().toNanos();
        while (true) {
          final long left = giveUpAt - System.nanoTime();
          if (left <= 0) {
            throw new TimeoutException();
          }
          try {
            running.get(Math.min(left, period.toNanos()), TimeUnit.NANOSECONDS);
            break;
          } catch (final TimeoutException stillRunning) {
            report(domain, request, listener);
          }
        }
      } catch (final TimeoutException e) {
        abort(domain, request);
        return new Outcome(
            false,
            "aborted: not done within " + request.giveUpAfter(),
            (System.nanoTime() - started) / 1_000_000,
            0,
            0);
      } catch (final ExecutionException e) {
        final Throwable cause = e.getCause() == null ? e : e.getCause();
        return new Outcome(
            false,
            "libvirt failed the migration: " + String.valueOf(cause.getMessage()).strip(),
            (System.nanoTime() - started) / 1_000_000,
            0,
            0);
      } catch (final InterruptedException e) {
        abort(domain, request);
        Thread.currentThread().interrupt();
        throw new HypervisorException(
            HypervisorException.Kind.FAILED, "interrupted; the migration was aborted", e);
      }
      return completed(destination, request, (System.nanoTime() - started) / 1_000_000);
    } finally {
      closeQuietly(source, request.sourceUri());
      closeQuietly(destination, request.destinationUri());
    }
  }

  private void report(final Domain domain, final Request request, final ProgressListener listener) {
    final DomainJobStats stats;
    try {
      stats =
          calls.run(
              "read the job of " + request.vmName(), callTimeout, () -> domain.getJobStats(0));
    } catch (final HypervisorException e) {
      System.getLogger(LibvirtMigrator.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
      return;
    }
    final java.util.Map<String, Long> values = numbers(stats);
    listener.progress(
        new Progress(
            values.getOrDefault("time_elapsed", 0L),
            values.getOrDefault("data_processed", 0L),
            values.getOrDefault("data_remaining", 0L),
            values.getOrDefault("memory_iteration", 0L),
            values.getOrDefault("memory_dirty_rate", 0L)));
  }

  private void abort(final Domain domain, final Request request) {
    try {
      calls.run("abort the migration of " + request.vmName(), callTimeout, domain::abortJob);
    } catch (final HypervisorException e) {
      System.getLogger(LibvirtMigrator.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
    }
  }

  /** The destination's statistics of the completed job (libvirt clears them on the first read). */
  private Outcome completed(final Connect destination, final Request request, final long millis)
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
        values.getOrDefault("time_elapsed", millis),
        values.getOrDefault("data_processed", 0L),
        values.getOrDefault("downtime", 0L));
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
