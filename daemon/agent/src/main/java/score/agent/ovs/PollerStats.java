package score.agent.ovs;

/**
 * Counters of an {@link OvsFlowPoller}: written by the poller thread, read by anyone.
 *
 * @param polls successful polls
 * @param failures failed polls (OVS down, bridge missing, timeout, ...)
 * @param consecutiveFailures failures since the last success; drives the back-off
 * @param malformedLines dump lines rejected, over all polls
 * @param pipelineInstalls times the counting rules were installed or reinstalled
 * @param countersResets OVS restarts or rule losses detected
 * @param lastPollNanos how long the last successful poll took
 * @param lastError the message of the last failure, or null
 */
public record PollerStats(
    long polls,
    long failures,
    long consecutiveFailures,
    long malformedLines,
    long pipelineInstalls,
    long countersResets,
    long lastPollNanos,
    String lastError) {}
