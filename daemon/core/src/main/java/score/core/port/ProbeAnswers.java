package score.core.port;

/**
 * What the outside tells the core about its probes; implemented by the core, called by adapters.
 */
public interface ProbeAnswers {
  /** Host id that {@link #located} reports when the VM runs nowhere that answered. */
  int NOWHERE = -1;

  /** {@code vmId} runs on {@code hostId} (or {@link #NOWHERE}). */
  void located(long requestId, int vmId, int hostId);

  /** {@code hostId} can take {@code freeSlots} more VMs and {@code freeMemoryBytes} of memory. */
  void capacity(long requestId, int hostId, int freeSlots, long freeMemoryBytes);
}
