package score.core.port;

import java.time.Duration;
import java.util.List;

/**
 * The local hypervisor: libvirt in the agent, the model in the simulator. Calls that take time (a
 * live migration) report through a listener; none blocks the caller.
 */
public interface Hypervisor {
  /**
   * One VM of this host as the hypervisor reports it.
   *
   * @param ipv4 its address, 0 while unknown
   * @param txBytesPerSecond what it sent per second lately (interface statistics; 0 at first)
   * @param rxBytesPerSecond what it received per second lately
   */
  record Vm(
      String name,
      String uuid,
      int ipv4,
      long memoryBytes,
      int vcpus,
      long txBytesPerSecond,
      long rxBytesPerSecond) {}

  /** The VMs running here, as last seen (never blocks on the hypervisor). */
  List<Vm> vms();

  /** VM slots still free on this host (from configuration) and free memory. */
  record Room(int freeSlots, long freeMemoryBytes) {}

  Room room();

  /** What the planner chose for one live migration. */
  record MigrationOrder(
      String vmName,
      int destinationHostId,
      long bytesPerSecond,
      Duration maxDowntime,
      boolean postCopyAllowed) {}

  /** Progress and end of a migration, on the executor the adapter was given. */
  interface MigrationListener {
    void progress(long dataProcessedBytes, long dataRemainingBytes, int iteration);

    void finished(boolean succeeded, String why);
  }

  /** Starts a live migration; returns at once. */
  void migrate(MigrationOrder order, MigrationListener listener);

  /** Aborts the running migration of {@code vmName}; the VM stays on this host. */
  void abort(String vmName);
}
