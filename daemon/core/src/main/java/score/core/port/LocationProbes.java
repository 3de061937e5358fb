package score.core.port;

/**
 * Where does a VM run? In the agent a LOCATION request travels to the VM's own address, and the
 * host that runs it answers for it (S-CORE section III-F); in the simulator the model answers.
 */
@FunctionalInterface
public interface LocationProbes {
  /**
   * Asks where {@code vmId} runs. Never blocks: the answer arrives later (or at once) through
   * {@link ProbeAnswers#located}, on the caller's thread, or never; a probe unanswered at the
   * asker's deadline counts as unknown, never as "here".
   */
  void locate(long requestId, int vmId, ProbeAnswers answers);
}
