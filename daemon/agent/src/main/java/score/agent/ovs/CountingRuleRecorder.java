package score.agent.ovs;

import score.flowtable.FlowTable;

/**
 * Turns the lines of one flow dump into flow-table observations: the pipeline's learned 5-tuple
 * rules become flows, its learned MAC rules source MACs, and its own rules are counted so the
 * poller can tell whether the pipeline is intact. The table must be inside an update batch.
 */
public final class CountingRuleRecorder implements OvsFlowDumpParser.Sink {
  private final CountingPipeline pipeline;
  private final FlowTable table;
  private int pipelineRules;
  private int flowsObserved;
  private int unexpected;

  public CountingRuleRecorder(final CountingPipeline pipeline, final FlowTable table) {
    this.pipeline = pipeline;
    this.table = table;
  }

  /** Clears the counts before a dump. */
  public void reset() {
    pipelineRules = 0;
    flowsObserved = 0;
    unexpected = 0;
  }

  @Override
  public void flow(final OvsFlowLine line) {
    final long cookie = line.cookie();
    if (cookie == CountingPipeline.FLOW_COOKIE && line.table() == pipeline.countTable()) {
      if (line.isExactTransportFlow()) {
        table.observe(
            line.srcIp(),
            line.dstIp(),
            line.protocol(),
            line.srcPort(),
            line.dstPort(),
            line.bytes(),
            line.packets(),
            line.durationMillis());
        flowsObserved++;
      } else {
        unexpected++;
      }
    } else if (cookie == CountingPipeline.MAC_COOKIE && line.table() == pipeline.macTable()) {
      if (line.hasSrcIp() && line.srcMac() >= 0 && !line.masked()) {
        table.observeSourceMac(line.srcIp(), line.srcMac());
      }
    } else if (cookie == CountingPipeline.PIPELINE_COOKIE) {
      pipelineRules++;
    }
  }

  /** The pipeline's own rules seen in the dump. */
  public int pipelineRules() {
    return pipelineRules;
  }

  public int flowsObserved() {
    return flowsObserved;
  }

  /** Learned counting rules without a full exact 5-tuple: treated as malformed. */
  public int unexpected() {
    return unexpected;
  }
}
