package org.beit4j.eval.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.beit4j.viz.Charts;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * The backbone's probe per layer: linear and k-NN top-1 of the [CLS] token and of the patch mean
 * against the block index, one set of four lines per probed backbone. Where the [CLS] line rises
 * above the mean at the last layer, the [CLS] head (section 1.3.2) made the [CLS] a summary.
 */
public final class LayerPlot {

  private LayerPlot() {}

  /**
   * The chart of every stage of {@code table} with per-layer rows.
   *
   * @throws IllegalArgumentException if the table has none
   */
  public static XYChart of(StageTable table) {
    List<String> stages = table.layeredStages();
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("the table has no per-layer rows to plot");
    }
    Map<String, double[]> curves = new LinkedHashMap<>();
    for (String stage : stages) {
      String prefix = stages.size() == 1 ? "" : stage + " ";
      for (Representation.Readout r :
          List.of(Representation.Readout.CLS, Representation.Readout.MEAN)) {
        List<StageTable.Row> rows = table.layers(stage, r);
        String name = r == Representation.Readout.CLS ? "[CLS]" : "mean";
        curves.put(prefix + name + " linear", percent(rows, StageTable.Row::linearTop1));
        curves.put(prefix + name + " k-NN", percent(rows, StageTable.Row::knnTop1));
      }
    }
    XYChart chart = Charts.line("probe per layer", "layer", "top-1 (%)", curves);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // lines stay visible
    return chart;
  }

  private static double[] percent(List<StageTable.Row> rows, ToDoubleFunction<StageTable.Row> f) {
    return rows.stream().mapToDouble(f).map(v -> 100 * v).toArray();
  }
}
