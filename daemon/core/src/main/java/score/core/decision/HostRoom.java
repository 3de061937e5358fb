package score.core.decision;

/**
 * What a candidate host can still take: a capacity probe in the agent, the model in the simulator.
 */
public interface HostRoom {
  int freeSlots(int host);

  long freeMemoryBytes(int host);
}
