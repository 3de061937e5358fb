package score.agent.traffic;

import score.core.decision.NeighbourTraffic;
import score.core.port.TrafficView;
import score.flowtable.PairAggregate;

/**
 * The core's {@link TrafficView} of λ(z, u) now, for eq. 1's metric and plans: each pair's rate
 * followed across the decisions that consume a VM's history ({@link SmoothedPairRates}), so it does
 * not read near zero right after a visit. Pairs that carried nothing are left out. The view is
 * reused by the next call; pairs not read for {@code forgetMillis} are forgotten. One thread.
 */
public final class SmoothedTraffic implements TrafficView {
  private final TrafficSnapshots snapshots;
  private final SmoothedPairRates rates;
  private final long forgetMillis;
  private long lastSweepMillis;
  private int[] neighbours = new int[16];
  private double[] bytesPerSecond = new double[16];
  private int count;

  private final NeighbourTraffic view =
      new NeighbourTraffic() {
        @Override
        public int count() {
          return count;
        }

        @Override
        public int vm(final int index) {
          return neighbours[index];
        }

        @Override
        public double bytesPerSecond(final int index) {
          return bytesPerSecond[index];
        }
      };

  /**
   * @param timeConstantMillis the smoothing's time constant
   * @param forgetMillis pairs not read for this long are forgotten (longer than the readers'
   *     period)
   */
  public SmoothedTraffic(
      final TrafficSnapshots snapshots, final long timeConstantMillis, final long forgetMillis) {
    this.snapshots = snapshots;
    this.rates = new SmoothedPairRates(timeConstantMillis);
    this.forgetMillis = forgetMillis;
  }

  @Override
  public NeighbourTraffic neighboursOf(final int vmId) {
    final TrafficSnapshots.Snapshot snapshot = snapshots.current();
    final long now = snapshot.atMillis();
    if (now - lastSweepMillis >= forgetMillis) {
      rates.sweep();
      lastSweepMillis = now;
    }
    count = 0;
    for (final PairAggregate pair : snapshot.pairsOf(vmId)) {
      final int neighbour = pair.ipA() == vmId ? pair.ipB() : pair.ipA();
      final double rate =
          rates.update(vmId, neighbour, pair.bytes(), pair.windowStartMillis(), now);
      if (rate > 0) {
        if (count == neighbours.length) {
          neighbours = java.util.Arrays.copyOf(neighbours, 2 * count);
          bytesPerSecond = java.util.Arrays.copyOf(bytesPerSecond, 2 * count);
        }
        neighbours[count] = neighbour;
        bytesPerSecond[count] = rate;
        count++;
      }
    }
    return view;
  }
}
