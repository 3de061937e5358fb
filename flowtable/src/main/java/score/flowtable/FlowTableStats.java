package score.flowtable;

/**
 * Bookkeeping counters of a {@link FlowTable}.
 *
 * @param removedAfterConsume records dropped because a decision consumed them and OVS no longer had
 *     their rule
 * @param incarnations times a flow's OVS rule was found re-created or its counter reset
 */
public record FlowTableStats(
    int flows,
    int maxFlows,
    long inserts,
    long evictions,
    long removedAfterConsume,
    long incarnations) {}
