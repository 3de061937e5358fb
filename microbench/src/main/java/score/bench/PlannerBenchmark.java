package score.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import score.core.plan.BitRate;
import score.core.plan.ByteSize;
import score.core.plan.DeadlineRequest;
import score.core.plan.DirtyRate;
import score.core.plan.EvacuatingVm;
import score.core.plan.Evacuation;
import score.core.plan.LeastBandwidthPlanner;
import score.core.plan.PreCopyEstimate;
import score.core.plan.TechniqueChoice;
import score.core.plan.TechniqueChooser;

/**
 * Single-VM least-bandwidth plans (1,024 varied requests, cycled) and the technique choice for 64
 * co-located VMs with rates in whole bit/s, which forces the coarse grid of the DP (its worst
 * case).
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class PlannerBenchmark {
  static final int VMS = 64;

  private DeadlineRequest[] requests;
  private int next;
  private Evacuation evacuation;

  static Evacuation evacuation(final long seed) {
    final Random random = new Random(seed);
    final List<EvacuatingVm> vms = new ArrayList<>();
    for (int i = 0; i < VMS; i++) {
      vms.add(
          new EvacuatingVm(
              "vm" + i,
              BitRate.ofBitsPerSecond((long) (random.nextDouble() * 1e9)),
              BitRate.ofBitsPerSecond((long) (random.nextDouble() * 1e9))));
    }
    return new Evacuation(vms, BitRate.parse("300Mbps"), BitRate.parse("100Mbps"));
  }

  @Setup
  public void setUp() {
    final Random random = new Random(1);
    requests = new DeadlineRequest[1024];
    for (int i = 0; i < requests.length; i++) {
      requests[i] =
          new DeadlineRequest(
              ByteSize.ofMebibytes(512 + random.nextInt(16_384)),
              DirtyRate.ofPagesPerSecond(random.nextInt(20_000)),
              Duration.ofSeconds(30 + random.nextInt(600)),
              Duration.ofMillis(100 + random.nextInt(900)),
              Optional.empty());
    }
    evacuation = evacuation(2);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public PreCopyEstimate plan() {
    next = (next + 1) & (requests.length - 1);
    return LeastBandwidthPlanner.plan(requests[next]);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public TechniqueChoice evacuate64() {
    return TechniqueChooser.choose(evacuation);
  }
}
