package score.core.port;

/**
 * Can a candidate host take a VM? Answered by that host's agent (a promise for a short time) or by
 * the simulator's model.
 */
@FunctionalInterface
public interface CapacityProbes {
  /**
   * Asks {@code hostId} for its free VM slots and memory for a VM of {@code memoryBytes}. Never
   * blocks; the answer arrives through {@link ProbeAnswers#capacity}, or never (no room).
   */
  void askCapacity(long requestId, int hostId, long memoryBytes, ProbeAnswers answers);
}
