package score.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import score.flowtable.FlowTable;

/**
 * Updates of existing flows, the flow table's most frequent operation: every invocation is one poll
 * that reports new counters for all {@link #FLOWS} flows. Ours against the paper's structure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class FlowTableBenchmark {
  /** Flows per table: the one million. */
  public static final int FLOWS = 1_000_000;

  private static final long POLL_MILLIS = 1_000;

  @Param({"GROUPED"})
  public String flowSet;

  private FlowSet set;
  private int[] srcIps;
  private int[] dstIps;
  private int[] protocols;
  private int[] srcPorts;
  private int[] dstPorts;
  private FlowTable table;
  private PaperFlowTable baseline;
  private long nowMillis;
  private long counter;

  @Setup(Level.Trial)
  public void fill() {
    set = FlowSet.valueOf(flowSet);
    srcIps = new int[FLOWS];
    dstIps = new int[FLOWS];
    protocols = new int[FLOWS];
    srcPorts = new int[FLOWS];
    dstPorts = new int[FLOWS];
    for (int flow = 0; flow < FLOWS; flow++) {
      srcIps[flow] = set.srcIp(flow);
      dstIps[flow] = set.dstIp(flow);
      protocols[flow] = set.protocol(flow);
      srcPorts[flow] = set.srcPort(flow);
      dstPorts[flow] = set.dstPort(flow);
    }
    table = new FlowTable(FLOWS, 0);
    baseline = new PaperFlowTable();
    nowMillis = POLL_MILLIS;
    counter = 1_500;
    pollOurs();
    pollBaseline();
  }

  @Benchmark
  @OperationsPerInvocation(FLOWS)
  public FlowTable ours() {
    return pollOurs();
  }

  @Benchmark
  @OperationsPerInvocation(FLOWS)
  public PaperFlowTable baseline() {
    return pollBaseline();
  }

  private FlowTable pollOurs() {
    nowMillis += POLL_MILLIS;
    counter += 1_500;
    final long now = nowMillis;
    final long bytes = counter;
    final long packets = bytes / 1_500;
    table.beginUpdate(now);
    for (int flow = 0; flow < FLOWS; flow++) {
      table.observe(
          srcIps[flow],
          dstIps[flow],
          protocols[flow],
          srcPorts[flow],
          dstPorts[flow],
          bytes,
          packets,
          now);
    }
    table.endUpdate();
    return table;
  }

  private PaperFlowTable pollBaseline() {
    nowMillis += POLL_MILLIS;
    counter += 1_500;
    final long now = nowMillis;
    final long bytes = counter;
    final long packets = bytes / 1_500;
    for (int flow = 0; flow < FLOWS; flow++) {
      baseline.observe(
          srcIps[flow],
          dstIps[flow],
          protocols[flow],
          srcPorts[flow],
          dstPorts[flow],
          bytes,
          packets,
          now,
          now);
    }
    return baseline;
  }
}
