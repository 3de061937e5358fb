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

  public static void write(
      final Path png, final Map<String, double[]> costPerRound, final Double referenceCost)
      throws IOException {
    final XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Communication cost per token round")
            .xAxisTitle("round")
            .yAxisTitle("overall communication cost (eq. 1)")
            .build();
    int rounds = 0;
    for (final Map.Entry<String, double[]> entry : costPerRound.entrySet()) {
      final double[] costs = entry.getValue();
      final double[] x = new double[costs.length];
      for (int round = 0; round < x.length; round++) {
        x[round] = round;
      }
      rounds = Math.max(rounds, costs.length - 1);
      chart.addSeries(entry.getKey(), x, costs).setMarker(SeriesMarkers.CIRCLE);
    }
    if (referenceCost != null) {
      chart
          .addSeries(
              "reference",
              new double[] {0, Math.max(1, rounds)},
              new double[] {referenceCost, referenceCost})
          .setMarker(SeriesMarkers.NONE);
    }
    String name = png.toString();
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      name = name.substring(0, name.length() - 4);
    }
    // XChart appends the extension itself.
    BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
  }
}
