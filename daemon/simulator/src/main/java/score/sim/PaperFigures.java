package score.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import score.core.decision.MigrationCost;
import score.core.decision.Topology;
import score.protocol.TokenPolicy;

/**
 * S-CORE's Fig. 2 from the simulator: each figure as {@code NAME.png} and its numbers as {@code
 * NAME.csv}. 2a/2d: the normalised ToR-to-ToR traffic matrix before and after; 2b: cost per round
 * with the spikes of new flows, against the reference; 2c: the reduction against c_m.
 */
public final class PaperFigures {
  /** The c_m settings of Fig. 2c, as fractions. */
  static final double[] CM_FRACTIONS = {
    0, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1
  };

  /** The heat maps' white: four orders of magnitude below the brightest cell. */
  private static final double LOG_FLOOR = -4;

  private PaperFigures() {}

  /** Fig. 2a/2d: λ summed over the VM pairs between every two racks, divided by the largest. */
  public static void torMatrix(
      final Path base,
      final String title,
      final TrafficMatrix traffic,
      final Allocation allocation,
      final Topology topology)
      throws IOException {
    final int racks = topology.racks();
    final double[][] matrix = new double[racks][racks];
    double largest = 0;
    for (int vm = 0; vm < traffic.vms(); vm++) {
      final int rack = topology.rackOf(allocation.hostOf(vm));
      for (int e = traffic.rowStart(vm); e < traffic.rowStart(vm + 1); e++) {
        final int other = topology.rackOf(allocation.hostOf(traffic.neighbour(e)));
        matrix[rack][other] += traffic.bytesPerSecond(e);
        largest = Math.max(largest, matrix[rack][other]);
      }
    }
    final StringBuilder csv = new StringBuilder("tor_a,tor_b,bytes_per_second,normalised\n");
    final List<Number[]> cells = new ArrayList<>();
    for (int a = 0; a < racks; a++) {
      for (int b = 0; b < racks; b++) {
        final double normalised = largest > 0 ? matrix[a][b] / largest : 0;
        // Colour by order of magnitude: rack-pair rates are heavy-tailed, so a linear scale would
        // show the few brightest cells only.
        cells.add(
            new Number[] {
              a, b, normalised > 0 ? Math.max(LOG_FLOOR, Math.log10(normalised)) : LOG_FLOOR
            });
        if (matrix[a][b] > 0) {
          csv.append(
              String.format(Locale.ROOT, "%d,%d,%.6g,%.6g%n", a, b, matrix[a][b], normalised));
        }
      }
    }
    Files.writeString(Path.of(base + ".csv"), csv, StandardCharsets.UTF_8);
    final HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(700)
            .height(640)
            .title(title)
            .xAxisTitle("ToR switch")
            .yAxisTitle("ToR switch (colour: log10 of the traffic / the largest)")
            .build();
    chart.getStyler().setShowValue(false);
    chart.getStyler().setPlotContentSize(1);
    chart
        .getStyler()
        .setRangeColors(
            new java.awt.Color[] {
              java.awt.Color.WHITE,
              new java.awt.Color(255, 240, 150),
              new java.awt.Color(255, 160, 0),
              new java.awt.Color(200, 0, 0)
            });
    chart.getStyler().setMin(LOG_FLOOR);
    chart.getStyler().setMax(0);
    chart.getStyler().setAxisTicksVisible(false);
    final List<Integer> axis = new ArrayList<>();
    for (int r = 0; r < racks; r++) {
      axis.add(r);
    }
    chart.addSeries("log10 normalised traffic", axis, axis, cells);
    CostPlot.save(chart, Path.of(base + ".png"));
  }

  /** Fig. 2b: the policies' curves ({@link CostPlot#withSpikes}) and the reference per round. */
  public static void costPerRound(
      final Path base, final Map<String, double[][]> curves, final double[] referencePerRound)
      throws IOException {
    final StringBuilder csv = new StringBuilder("series,x,cost\n");
    for (final Map.Entry<String, double[][]> entry : curves.entrySet()) {
      for (int i = 0; i < entry.getValue()[0].length; i++) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%.2f,%.6g%n",
                entry.getKey(),
                entry.getValue()[0][i],
                entry.getValue()[1][i]));
      }
    }
    if (referencePerRound != null) {
      for (int r = 0; r < referencePerRound.length; r++) {
        csv.append(String.format(Locale.ROOT, "reference,%d,%.6g%n", r, referencePerRound[r]));
      }
    }
    Files.writeString(Path.of(base + ".csv"), csv, StandardCharsets.UTF_8);
    CostPlot.write(Path.of(base + ".png"), curves, referencePerRound);
  }

  /**
   * Fig. 2c: the cost reduction after the run's rounds against c_m, in both readings of "c_m as a
   * fraction": of the deciding VM's own cost 2·C(u) (eq. 2's scale), and of the overall cost.
   */
  public static void reductionAgainstCm(
      final Path base,
      final Simulator simulator,
      final Allocation initial,
      final int rounds,
      final double unmovedCost,
      final TokenPolicy policy)
      throws IOException {
    final double[] percent = new double[CM_FRACTIONS.length];
    final double[] ofVm = new double[CM_FRACTIONS.length];
    final double[] ofOverall = new double[CM_FRACTIONS.length];
    final StringBuilder csv =
        new StringBuilder(
            "cm_fraction,reduction_pct_cm_of_vm_cost,reduction_pct_cm_of_overall_cost\n");
    for (int i = 0; i < CM_FRACTIONS.length; i++) {
      percent[i] = 100 * CM_FRACTIONS[i];
      ofVm[i] =
          reduction(
              simulator.run(policy, initial, rounds, new MigrationCost(0, CM_FRACTIONS[i])),
              unmovedCost);
      ofOverall[i] =
          reduction(
              simulator.run(
                  policy, initial, rounds, new MigrationCost(CM_FRACTIONS[i] * unmovedCost, 0)),
              unmovedCost);
      csv.append(
          String.format(Locale.ROOT, "%.4f,%.3f,%.3f%n", CM_FRACTIONS[i], ofVm[i], ofOverall[i]));
    }
    Files.writeString(Path.of(base + ".csv"), csv, StandardCharsets.UTF_8);
    final XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title(
                "Cost reduction against the migration cost c_m ("
                    + policy.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " policy)")
            .xAxisTitle("c_m, % of the VM's cost (blue) or of the overall cost (orange)")
            .yAxisTitle("communication cost reduction, %")
            .build();
    chart
        .addSeries("c_m as % of the VM's cost 2·C(u)", percent, ofVm)
        .setMarker(SeriesMarkers.CIRCLE);
    chart
        .addSeries("c_m as % of the overall cost", percent, ofOverall)
        .setMarker(SeriesMarkers.DIAMOND);
    CostPlot.save(chart, Path.of(base + ".png"));
  }

  private static double reduction(final Simulator.Run run, final double unmovedCost) {
    return unmovedCost > 0 ? 100 * (1 - run.finalCost() / unmovedCost) : 0;
  }
}
