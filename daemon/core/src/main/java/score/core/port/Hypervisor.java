package score.core.port;

import java.util.List;

/**
 * The local hypervisor as the host's loop sees it: libvirt in the agent, the model in the
 * simulator. Both calls read a snapshot and never block. Moving a VM is the loop's mover (its
 * {@code Holder.Mover} port), one path for decided moves, {@code score migrate} and drains.
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
}
