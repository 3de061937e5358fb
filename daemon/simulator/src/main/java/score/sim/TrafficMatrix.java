package score.sim;

import java.util.Arrays;

/**
 * λ(u, v) for all VM pairs, both directions merged, as a symmetric sparse matrix in compressed rows
 * (every pair appears in both rows): the simulator's stand-in for all hosts' flow tables.
 */
public final class TrafficMatrix {
  private final int vms;
  private final int[] rowStart;
  private final int[] neighbours;
  private final double[] bytesPerSecond;

  private TrafficMatrix(
      final int vms, final int[] rowStart, final int[] neighbours, final double[] bytesPerSecond) {
    this.vms = vms;
    this.rowStart = rowStart;
    this.neighbours = neighbours;
    this.bytesPerSecond = bytesPerSecond;
  }

  public int vms() {
    return vms;
  }

  /** Neighbours of {@code vm} are entries {@code rowStart(vm) .. rowStart(vm + 1) - 1}. */
  public int rowStart(final int vm) {
    return rowStart[vm];
  }

  public int neighbour(final int entry) {
    return neighbours[entry];
  }

  public double bytesPerSecond(final int entry) {
    return bytesPerSecond[entry];
  }

  /** Distinct communicating pairs. */
  public long pairs() {
    return neighbours.length / 2;
  }

  public int degree(final int vm) {
    return rowStart[vm + 1] - rowStart[vm];
  }

  /** Σ_v λ(u, v). */
  public double load(final int vm) {
    double sum = 0;
    for (int e = rowStart[vm]; e < rowStart[vm + 1]; e++) {
      sum += bytesPerSecond[e];
    }
    return sum;
  }

  /** Collects directed rates; rates of the same pair, either direction, add up. */
  public static final class Builder {
    private final int vms;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private double[] rates = new double[1024];
    private int count;

    public Builder(final int vms) {
      this.vms = vms;
    }

    /** A builder that starts with every pair of {@code traffic} (to add flows to it). */
    public static Builder from(final TrafficMatrix traffic) {
      final Builder builder = new Builder(traffic.vms());
      final int pairs = (int) traffic.pairs();
      builder.from = new int[Math.max(1024, pairs + pairs / 8)];
      builder.to = new int[builder.from.length];
      builder.rates = new double[builder.from.length];
      for (int vm = 0; vm < traffic.vms(); vm++) {
        for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
          if (traffic.neighbour(e) > vm) {
            builder.add(vm, traffic.neighbour(e), traffic.bytesPerSecond(e));
          }
        }
      }
      return builder;
    }

    /** Adds {@code bytesPerSecond} from {@code src} to {@code dst} (self-traffic is ignored). */
    public Builder add(final int src, final int dst, final double bytesPerSecond) {
      if (src < 0 || src >= vms || dst < 0 || dst >= vms) {
        throw new IllegalArgumentException("VM index out of range: " + src + " -> " + dst);
      }
      if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
        throw new IllegalArgumentException("not a rate: " + bytesPerSecond);
      }
      if (src == dst || bytesPerSecond == 0) {
        return this;
      }
      if (count == from.length) {
        from = Arrays.copyOf(from, count * 2);
        to = Arrays.copyOf(to, count * 2);
        rates = Arrays.copyOf(rates, count * 2);
      }
      from[count] = Math.min(src, dst);
      to[count] = Math.max(src, dst);
      rates[count] = bytesPerSecond;
      count++;
      return this;
    }

    public TrafficMatrix build() {
      // Merge duplicates: bucket the pairs by their lower VM (counting sort), then sort each
      // bucket by (higher VM, insertion index), all in primitive arrays.
      final int[] bucketStart = new int[vms + 1];
      for (int i = 0; i < count; i++) {
        bucketStart[from[i] + 1]++;
      }
      for (int vm = 0; vm < vms; vm++) {
        bucketStart[vm + 1] += bucketStart[vm];
      }
      final int[] bucketFill = Arrays.copyOf(bucketStart, vms);
      final long[] sorted = new long[count];
      for (int i = 0; i < count; i++) {
        sorted[bucketFill[from[i]]++] = (long) to[i] << 32 | i;
      }
      final int[] pairLow = new int[count];
      final int[] pairHigh = new int[count];
      final double[] pairRate = new double[count];
      int pairs = 0;
      for (int low = 0; low < vms; low++) {
        Arrays.sort(sorted, bucketStart[low], bucketStart[low + 1]);
        for (int k = bucketStart[low]; k < bucketStart[low + 1]; k++) {
          final int high = (int) (sorted[k] >>> 32);
          final double rate = rates[(int) sorted[k]];
          if (pairs > 0 && pairLow[pairs - 1] == low && pairHigh[pairs - 1] == high) {
            pairRate[pairs - 1] += rate;
          } else {
            pairLow[pairs] = low;
            pairHigh[pairs] = high;
            pairRate[pairs] = rate;
            pairs++;
          }
        }
      }
      final int[] rowStart = new int[vms + 1];
      for (int p = 0; p < pairs; p++) {
        rowStart[pairLow[p] + 1]++;
        rowStart[pairHigh[p] + 1]++;
      }
      for (int vm = 0; vm < vms; vm++) {
        rowStart[vm + 1] += rowStart[vm];
      }
      final int[] fill = Arrays.copyOf(rowStart, vms);
      final int[] neighbours = new int[2 * pairs];
      final double[] bytesPerSecond = new double[2 * pairs];
      for (int p = 0; p < pairs; p++) {
        neighbours[fill[pairLow[p]]] = pairHigh[p];
        bytesPerSecond[fill[pairLow[p]]++] = pairRate[p];
        neighbours[fill[pairHigh[p]]] = pairLow[p];
        bytesPerSecond[fill[pairHigh[p]]++] = pairRate[p];
      }
      return new TrafficMatrix(vms, rowStart, neighbours, bytesPerSecond);
    }
  }
}
