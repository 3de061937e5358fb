package score.agent.libvirt;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.libvirt.LibvirtException;

/**
 * Runs every libvirt call on a worker thread with its own timeout. A libvirt call can hang (a
 * killed destination libvirtd makes the source's job wait forever; KubeVirt wraps job queries and
 * aborts in 30 s timeouts for the same reason): the caller gets a {@link HypervisorException} of
 * kind TIMEOUT and moves on, and the hung worker is abandoned, not reused, so later calls get fresh
 * threads (at most {@link #MAX_WORKERS}). Failures are counted by kind.
 */
public final class LibvirtCalls implements AutoCloseable {
  /** Workers at most, hung ones included: beyond that a call fails at once. */
  public static final int MAX_WORKERS = 8;

  private final ExecutorService workers =
      new ThreadPoolExecutor(
          0,
          MAX_WORKERS,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          runnable -> {
            final Thread thread = new Thread(runnable, "score-libvirt");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<HypervisorException.Kind, LongAdder> failures =
      new EnumMap<>(HypervisorException.Kind.class);

  public LibvirtCalls() {
    silenceLibvirtsOwnPrinting();
    for (final HypervisorException.Kind kind : HypervisorException.Kind.values()) {
      failures.put(kind, new LongAdder());
    }
  }

  private static volatile boolean silenced;

  /**
   * libvirt prints every error to stderr unless told otherwise, even when the caller handles it (a
   * job query that races the job's end). Errors still reach callers as exceptions.
   */
  private static synchronized void silenceLibvirtsOwnPrinting() {
    if (!silenced) {
      try {
        LibvirtNative.LIBVIRT.virSetErrorFunc(null, LibvirtNative.SILENT);
      } catch (final LinkageError noLibvirt) {
        // without libvirt.so.0 every call fails anyway, with its own message
      }
      silenced = true;
    }
  }

  /** A libvirt call that may throw libvirt's exception. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws LibvirtException, HypervisorException;
  }

  /**
   * Runs {@code call} and waits at most {@code timeout}.
   *
   * @param what what the call does, for the message ("list the domains of qemu:///system")
   */
  public <T> T run(final String what, final Duration timeout, final Call<T> call)
      throws HypervisorException {
    final Future<T> result;
    try {
      final Callable<T> task = call::run;
      result = workers.submit(task);
    } catch (final java.util.concurrent.RejectedExecutionException e) {
      throw failed(
          HypervisorException.Kind.TIMEOUT,
          "cannot " + what + ": " + MAX_WORKERS + " earlier libvirt calls still hang",
          e);
    }
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (final TimeoutException e) {
      result.cancel(true);
      throw failed(
          HypervisorException.Kind.TIMEOUT,
          "cannot " + what + ": no answer from libvirt within " + timeout,
          e);
    } catch (final InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw failed(HypervisorException.Kind.TIMEOUT, "interrupted while trying to " + what, e);
    } catch (final ExecutionException e) {
      throw translate(what, e.getCause());
    }
  }

  private HypervisorException translate(final String what, final Throwable cause) {
    if (cause instanceof HypervisorException known) {
      failures.get(known.kind()).increment();
      return known;
    }
    if (cause instanceof LibvirtException libvirt) {
      final String message = libvirt.getMessage() == null ? "" : libvirt.getMessage();
      final boolean unreachable =
          message.contains("Failed to connect socket")
              || message.contains("No such file or directory")
              || message.contains("Connection refused")
              || message.contains("no connection driver available");
      return failed(
          unreachable ? HypervisorException.Kind.NOT_RUNNING : HypervisorException.Kind.FAILED,
          "cannot " + what + ": " + message.strip(),
          libvirt);
    }
    return failed(HypervisorException.Kind.FAILED, "cannot " + what + ": " + cause, cause);
  }

  private HypervisorException failed(
      final HypervisorException.Kind kind, final String message, final Throwable cause) {
    failures.get(kind).increment();
    return new HypervisorException(kind, message, cause);
  }

  /** Calls that failed with {@code kind} so far. */
  public long failures(final HypervisorException.Kind kind) {
    return failures.get(kind).sum();
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
