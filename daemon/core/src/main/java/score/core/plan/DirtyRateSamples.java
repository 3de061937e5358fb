package score.core.plan;

import java.util.List;

/** Dirty rates observed over time, e.g. from KVM's dirty log once a second. */
public record DirtyRateSamples(List<DirtyRate> samples) {
  public DirtyRateSamples {
    samples = List.copyOf(samples);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("give at least one dirty rate");
    }
  }

  /** The rate {@code policy} plans with. */
  public DirtyRate pick(final DirtyRatePolicy policy) {
    return switch (policy) {
      case MAXIMUM ->
          new DirtyRate(
              samples.stream().mapToDouble(DirtyRate::bytesPerSecond).max().orElseThrow());
      case MEAN ->
          new DirtyRate(
              samples.stream().mapToDouble(DirtyRate::bytesPerSecond).average().orElseThrow());
    };
  }
}
