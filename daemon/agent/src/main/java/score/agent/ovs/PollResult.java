package score.agent.ovs;

/**
 * What one poll of the bridge found.
 *
 * @param flowLines well-formed lines in the dump
 * @param flowsObserved exact TCP/UDP counting rules fed to the flow table
 * @param malformedLines lines rejected by the parser or learned rules without a full 5-tuple
 * @param pipelineInstalled the counting rules were missing and have been (re)installed
 * @param countersReset OVS restarted or lost its rules, so counters restart from zero
 */
public record PollResult(
    int flowLines,
    int flowsObserved,
    int malformedLines,
    boolean pipelineInstalled,
    boolean countersReset,
    long durationNanos) {}
