package score.agent.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few libvirt functions the Java binding (0.5.4) lacks, bound through JNA to the same
 * libvirt.so.0. They act on connections and domains opened here, never on the binding's objects,
 * whose native pointers are not public. libvirt keeps its last error per thread, so a caller reads
 * {@link #virGetLastErrorMessage} on the thread that made the failing call.
 */
interface LibvirtNative extends Library {
  LibvirtNative LIBVIRT = Native.load("virt", LibvirtNative.class);

  /** VIR_DOMAIN_STATS_DIRTYRATE of virDomainStatsTypes (libvirt 7.2). */
  int STATS_DIRTYRATE = 1 << 9;

  /** VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING: the mode that works under TCG (TESTBED.md). */
  int DIRTYRATE_MODE_PAGE_SAMPLING = 0;

  /** VIR_DOMAIN_ABORT_JOB_POSTCOPY: also interrupt a migration already in post-copy. */
  int ABORT_JOB_POSTCOPY = 1;

  /** VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY: the speed of the post-copy phase. */
  int MAX_SPEED_POSTCOPY = 1;

  /** sizeof(virTypedParameter): char field[80], int type, 8-byte union. */
  int TYPED_PARAMETER_SIZE = 96;

  int TYPED_PARAMETER_VALUE_OFFSET = 88;

  Pointer virConnectOpen(String uri);

  int virConnectClose(Pointer connection);

  Pointer virDomainLookupByName(Pointer connection, String name);

  int virDomainFree(Pointer domain);

  int virDomainMigrateSetMaxSpeed(Pointer domain, NativeLong mebibytesPerSecond, int flags);

  int virDomainMigrateStartPostCopy(Pointer domain, int flags);

  int virDomainAbortJobFlags(Pointer domain, int flags);

  int virDomainStartDirtyRateCalc(Pointer domain, int seconds, int flags);

  /** {@code domains} ends with a null; the records come back as a null-terminated array. */
  int virDomainListGetStats(Pointer[] domains, int stats, PointerByReference records, int flags);

  void virDomainStatsRecordListFree(Pointer records);

  String virGetLastErrorMessage();

  /** virErrorFunc: called with every error libvirt raises, on the thread that raised it. */
  interface ErrorHandler extends com.sun.jna.Callback {
    void invoke(Pointer userData, Pointer error);
  }

  /** Replaces libvirt's default handler, which prints every error to stderr. */
  void virSetErrorFunc(Pointer userData, ErrorHandler handler);

  /** Keeps errors out of stderr: callers read them from the exception or the last error. */
  ErrorHandler SILENT = (userData, error) -> {};
}
