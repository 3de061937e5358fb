package score.agent.libvirt;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One VM through {@link LibvirtNative}: the calls the Java binding lacks (speed change and switch
 * to post-copy while a migration runs, abort that also stops post-copy, the dirty-rate
 * calculation). It holds its own connection; every call goes through {@link LibvirtCalls} with a
 * timeout and a typed, counted failure.
 */
public final class NativeDomain implements AutoCloseable {
  private final LibvirtCalls calls;
  private final Duration callTimeout;
  private final String uri;
  private final String vmName;
  private final Pointer connection;
  private final Pointer domain;

  private NativeDomain(
      final LibvirtCalls calls,
      final Duration callTimeout,
      final String uri,
      final String vmName,
      final Pointer connection,
      final Pointer domain) {
    this.calls = calls;
    this.callTimeout = callTimeout;
    this.uri = uri;
    this.vmName = vmName;
    this.connection = connection;
    this.domain = domain;
  }

  /** Opens {@code uri} and finds {@code vmName} there. */
  public static NativeDomain open(
      final LibvirtCalls calls, final Duration callTimeout, final String uri, final String vmName)
      throws HypervisorException {
    final Pointer connection =
        calls.run(
            "connect to libvirt at " + uri,
            callTimeout,
            () -> {
              final Pointer opened = LibvirtNative.LIBVIRT.virConnectOpen(uri);
              if (opened == null) {
                throw failure(HypervisorException.Kind.NOT_RUNNING, "connect to " + uri);
              }
              return opened;
            });
    try {
      final Pointer domain =
          calls.run(
              "find VM " + vmName + " on " + uri,
              callTimeout,
              () -> {
                final Pointer found =
                    LibvirtNative.LIBVIRT.virDomainLookupByName(connection, vmName);
                if (found == null) {
                  throw failure(
                      HypervisorException.Kind.FAILED, "find VM " + vmName + " on " + uri);
                }
                return found;
              });
      return new NativeDomain(calls, callTimeout, uri, vmName, connection, domain);
    } catch (final HypervisorException e) {
      closeConnection(calls, callTimeout, uri, connection);
      throw e;
    }
  }

  /** Changes the bandwidth of the running migration (or of the next one), in whole MiB/s. */
  public void setMaxSpeed(final long mebibytesPerSecond, final boolean postCopyPhase)
      throws HypervisorException {
    if (mebibytesPerSecond < 1) {
      throw new IllegalArgumentException("libvirt takes at least 1 MiB/s");
    }
    check(
        "set the migration speed of " + vmName + " to " + mebibytesPerSecond + " MiB/s",
        () ->
            LibvirtNative.LIBVIRT.virDomainMigrateSetMaxSpeed(
                domain,
                new NativeLong(mebibytesPerSecond),
                postCopyPhase ? LibvirtNative.MAX_SPEED_POSTCOPY : 0));
  }

  /** Switches the running migration, started with post-copy allowed, to post-copy. */
  public void startPostCopy() throws HypervisorException {
    check(
        "switch the migration of " + vmName + " to post-copy",
        () -> LibvirtNative.LIBVIRT.virDomainMigrateStartPostCopy(domain, 0));
  }

  /**
   * Aborts the running job. Before post-copy the VM keeps running here; once post-copy has begun,
   * neither side has all of its memory and an abort would pause it on both, so {@code
   * evenInPostCopy} is for an operator who accepts that.
   */
  public void abortJob(final boolean evenInPostCopy) throws HypervisorException {
    check(
        "abort the job of " + vmName,
        () ->
            LibvirtNative.LIBVIRT.virDomainAbortJobFlags(
                domain, evenInPostCopy ? LibvirtNative.ABORT_JOB_POSTCOPY : 0));
  }

  /**
   * Measures the VM's dirty rate by page sampling over {@code period} (the dirty-bitmap mode
   * crashes QEMU under TCG: TESTBED.md), and returns it in bytes per second. Blocks for about the
   * period; empty when libvirt did not finish the measurement within twice the period.
   */
  public Optional<Long> measureDirtyRate(final Duration period)
      throws HypervisorException, InterruptedException {
    final long seconds = Math.max(1, (period.toMillis() + 999) / 1000);
    if (seconds > 60) {
      throw new IllegalArgumentException("libvirt measures the dirty rate over at most 60 s");
    }
    check(
        "start the dirty-rate calculation of " + vmName,
        () ->
            LibvirtNative.LIBVIRT.virDomainStartDirtyRateCalc(
                domain, (int) seconds, LibvirtNative.DIRTYRATE_MODE_PAGE_SAMPLING));
    final long giveUpAt = System.nanoTime() + Duration.ofSeconds(2 * seconds + 2).toNanos();
    Thread.sleep(seconds * 1000);
    while (true) {
      final Map<String, Long> values = dirtyRateStatistics();
      // calc_status: 0 unstarted, 1 measuring, 2 measured (virDomainDirtyRateStatus)
      final Long status = values.get("dirtyrate.calc_status");
      final Long megabytes = values.get("dirtyrate.megabytes_per_second");
      if (status != null && status == 2 && megabytes != null) {
        if (megabytes < 0) {
          throw new HypervisorException(
              HypervisorException.Kind.BAD_OUTPUT,
              "libvirt at "
                  + uri
                  + " reports a dirty rate of "
                  + megabytes
                  + " MiB/s for "
                  + vmName,
              null);
        }
        return Optional.of(Math.multiplyExact(megabytes, 1L << 20));
      }
      if (System.nanoTime() - giveUpAt > 0) {
        return Optional.empty();
      }
      Thread.sleep(100);
    }
  }

  /** The integer statistics of the DIRTYRATE group, by name. */
  private Map<String, Long> dirtyRateStatistics() throws HypervisorException {
    return calls.run(
        "read the dirty rate of " + vmName,
        callTimeout,
        () -> {
          final PointerByReference records = new PointerByReference();
          final int count =
              LibvirtNative.LIBVIRT.virDomainListGetStats(
                  new Pointer[] {domain, null}, LibvirtNative.STATS_DIRTYRATE, records, 0);
          if (count < 0) {
            throw failure(HypervisorException.Kind.FAILED, "read the dirty rate of " + vmName);
          }
          final Map<String, Long> values = new HashMap<>();
          final Pointer array = records.getValue();
          if (array == null) {
            return values;
          }
          try {
            for (int i = 0; i < count; i++) {
              final Pointer record = array.getPointer((long) i * Native.POINTER_SIZE);
              if (record == null) {
                break;
              }
              // virDomainStatsRecord: virDomainPtr dom; virTypedParameterPtr params; int nparams
              final Pointer parameters = record.getPointer(Native.POINTER_SIZE);
              final int size = record.getInt(2L * Native.POINTER_SIZE);
              if (size < 0 || size > 4096 || (size > 0 && parameters == null)) {
                throw new HypervisorException(
                    HypervisorException.Kind.BAD_OUTPUT,
                    "libvirt at " + uri + " returned " + size + " statistics for " + vmName,
                    null);
              }
              for (int j = 0; j < size; j++) {
                readInteger(
                    parameters.share((long) j * LibvirtNative.TYPED_PARAMETER_SIZE), values);
              }
            }
          } finally {
            LibvirtNative.LIBVIRT.virDomainStatsRecordListFree(array);
          }
          return values;
        });
  }

  /** One virTypedParameter, kept when its type is an integer (VIR_TYPED_PARAM_INT..ULLONG). */
  private static void readInteger(final Pointer parameter, final Map<String, Long> into) {
    final String field = parameter.getString(0, "US-ASCII");
    final Pointer value = parameter.share(LibvirtNative.TYPED_PARAMETER_VALUE_OFFSET);
    switch (parameter.getInt(80)) {
      case 1 -> into.put(field, (long) value.getInt(0)); // INT
      case 2 -> into.put(field, Integer.toUnsignedLong(value.getInt(0))); // UINT
      case 3, 4 -> into.put(field, value.getLong(0)); // LLONG, ULLONG
      default -> {
        // DOUBLE, BOOLEAN, STRING: not read here
      }
    }
  }

  private void check(final String what, final NativeCall call) throws HypervisorException {
    calls.run(
        what,
        callTimeout,
        () -> {
          if (call.run() < 0) {
            throw failure(HypervisorException.Kind.FAILED, what);
          }
          return null;
        });
  }

  @FunctionalInterface
  private interface NativeCall {
    int run();
  }

  private static HypervisorException failure(
      final HypervisorException.Kind kind, final String what) {
    final String message = LibvirtNative.LIBVIRT.virGetLastErrorMessage();
    final String reason = message == null ? "unknown error" : message.strip();
    final boolean unreachable =
        reason.contains("Failed to connect socket") || reason.contains("No such file or directory");
    return new HypervisorException(
        unreachable ? HypervisorException.Kind.NOT_RUNNING : kind,
        "cannot " + what + ": " + reason,
        null);
  }

  @Override
  public void close() {
    try {
      calls.run(
          "release VM " + vmName, callTimeout, () -> LibvirtNative.LIBVIRT.virDomainFree(domain));
    } catch (final HypervisorException e) {
      System.getLogger(NativeDomain.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
    }
    closeConnection(calls, callTimeout, uri, connection);
  }

  private static void closeConnection(
      final LibvirtCalls calls,
      final Duration timeout,
      final String uri,
      final Pointer connection) {
    try {
      calls.run(
          "close the connection to " + uri,
          timeout,
          () -> LibvirtNative.LIBVIRT.virConnectClose(connection));
    } catch (final HypervisorException e) {
      System.getLogger(NativeDomain.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage());
    }
  }
}
