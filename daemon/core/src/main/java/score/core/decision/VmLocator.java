package score.core.decision;

/** Where a VM runs: the agent answers with a location probe, the simulator from its allocation. */
public interface VmLocator {
  /** The VM's host, or {@link #UNKNOWN} when the probe found none. */
  int hostOf(int vm);

  int UNKNOWN = -1;
}
