package score.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import score.agent.ovs.CountingPipeline;
import score.agent.ovs.CountingRuleRecorder;
import score.agent.ovs.OvsFlowDumpParser;
import score.flowtable.FlowTable;

/**
 * Parsing a recorded {@code ovs-ofctl dump-flows} of real counting rules (recorded by {@code
 * microbench/record-ovs-dump.sh}), cycled to exactly {@link #LINES} flow lines.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class OvsParseBenchmark {
  /** Flow lines per parse. */
  public static final int LINES = 100_000;

  /** System property naming the recorded dump. */
  public static final String DUMP_PROPERTY = "score.bench.ovsDump";

  private byte[] dump;
  private OvsFlowDumpParser parser;
  private FlowTable table;
  private long nowMillis;
  private long bytesSeen;
  private final OvsFlowDumpParser.Sink sum = line -> bytesSeen += line.bytes();
  private CountingRuleRecorder recorder;

  @Setup(Level.Trial)
  public void load() throws IOException {
    dump = cycledDump(Path.of(System.getProperty(DUMP_PROPERTY)), LINES);
    parser = new OvsFlowDumpParser();
    parser.parse(dump, dump.length, line -> {});
    if (parser.flows() != LINES || parser.malformed() != 0) {
      throw new IllegalStateException(
          "dump has " + parser.flows() + " flows and " + parser.malformed() + " malformed lines");
    }
    table = new FlowTable(2 * LINES, 0);
    recorder = new CountingRuleRecorder(CountingPipeline.defaults(), table);
    nowMillis = 1_000;
  }

  /** The recorded dump, repeated until it holds exactly {@code lines} flow lines. */
  static byte[] cycledDump(final Path recorded, final int lines) throws IOException {
    final String[] recordedLines;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(recorded))) {
      recordedLines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
    }
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(recordedLines[0].concat("\n").getBytes(StandardCharsets.US_ASCII));
    int written = 0;
    while (written < lines) {
      for (int i = 1; i < recordedLines.length && written < lines; i++) {
        out.writeBytes(recordedLines[i].concat("\n").getBytes(StandardCharsets.US_ASCII));
        // Multi-part replies repeat the reply header ("flags=[more]"); only flow lines count.
        if (recordedLines[i].startsWith(" cookie=")) {
          written++;
        }
      }
    }
    return out.toByteArray();
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public long parse() {
    bytesSeen = 0;
    parser.parse(dump, dump.length, sum);
    return bytesSeen;
  }

  /** The whole poll path after the dump: parse and update the flow table. */
  @Benchmark
  @OperationsPerInvocation(LINES)
  public FlowTable parseAndUpdate() {
    nowMillis += 1_000;
    table.beginUpdate(nowMillis);
    parser.parse(dump, dump.length, recorder);
    table.endUpdate();
    return table;
  }
}
