package score.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Communication cost against token rounds per policy, with the reference: the paper's Fig. 2b. */
public final class CostPlot {
  private CostPlot() {}

  /**
   * A run's curve as points {x, y}: the cost after each round, and where new flows raised the cost
   * as a round began, a point just after the previous round (the spikes along Fig. 2b's curves).
   */
  public static double[][] withSpikes(
      final double[] costPerRound, final double[] costAtRoundStart) {
    final int rounds = costPerRound.length - 1;
    final double[] x = new double[1 + 2 * rounds];
    final double[] y = new double[x.length];
    int n = 0;
    x[n] = 0;
    y[n++] = costPerRound[0];
    for (int round = 1; round <= rounds; round++) {
      if (costAtRoundStart[round - 1] != costPerRound[round - 1]) {
        x[n] = round - 1 + 0.02;
        y[n++] = costAtRoundStart[round - 1];
      }
      x[n] = round;
      y[n++] = costPerRound[round];
    }
    return new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)};
  }

  /**
   * @param curves policy name to {x, y} ({@link #withSpikes})
   * @param referencePerRound the reference's cost under each round's traffic, or null
   */
  public static void write(
      final Path png, final Map<String, double[][]> curves, final double[] referencePerRound)
      throws IOException {
    final XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Communication cost per token round")
            .xAxisTitle("round")
            .yAxisTitle("overall communication cost (eq. 1)")
            .build();
    for (final Map.Entry<String, double[][]> entry : curves.entrySet()) {
      chart
          .addSeries(entry.getKey(), entry.getValue()[0], entry.getValue()[1])
          .setMarker(SeriesMarkers.CIRCLE);
    }
    // Costs span orders of magnitude (the start, the spikes, a reference near zero): a logarithmic
    // axis shows them all, when the policies' costs are above zero; a reference of zero is then
    // left out (and said so), since a logarithmic axis has no zero.
    final boolean logarithmic = allPositive(curves);
    chart.getStyler().setYAxisLogarithmic(logarithmic);
    if (referencePerRound != null) {
      // A step per round: the reference is recomputed when the traffic changes.
      final double[] x = new double[2 * referencePerRound.length];
      final double[] y = new double[x.length];
      int n = 0;
      boolean dropped = false;
      for (int r = 0; r < referencePerRound.length; r++) {
        final double[][] step = {
          {r, referencePerRound[r]},
          {r + 0.02, r + 1 < referencePerRound.length ? referencePerRound[r + 1] : Double.NaN}
        };
        for (final double[] point : step) {
          if (Double.isNaN(point[1])) {
            continue;
          }
          if (logarithmic && !(point[1] > 0)) {
            dropped = true;
            continue;
          }
          x[n] = point[0];
          y[n++] = point[1];
        }
      }
      if (n > 0) {
        chart
            .addSeries(
                dropped ? "reference (where above 0)" : "reference",
                java.util.Arrays.copyOf(x, n),
                java.util.Arrays.copyOf(y, n))
            .setMarker(SeriesMarkers.NONE);
      }
    }
    save(chart, png);
  }

  private static boolean allPositive(final Map<String, double[][]> curves) {
    for (final double[][] curve : curves.values()) {
      for (final double y : curve[1]) {
        if (!(y > 0)) {
          return false;
        }
      }
    }
    return true;
  }

  static void save(final org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, final Path png)
      throws IOException {
    String name = png.toString();
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      name = name.substring(0, name.length() - 4);
    }
    // XChart appends the extension itself.
    BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
  }
}
