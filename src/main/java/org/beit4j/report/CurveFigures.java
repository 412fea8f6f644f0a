package org.beit4j.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.viz.Charts;
import org.beit4j.viz.ImageGrid;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts drawn from metrics tables: pretraining and tokenizer training curves,
 * codebook usage and the results bar chart. Each method returns an XChart chart or a picture; NaN
 * cells (a metric not measured at a step) are left out of a curve.
 */
public final class CurveFigures {

  /** Size of one panel of {@link #tokenizerCurves}. */
  public static final int PANEL_WIDTH = 480;

  public static final int PANEL_HEIGHT = 300;

  /** Above this ratio of the largest to the smallest count the usage chart uses a log axis. */
  static final double LOG_RATIO = 50;

  /** Runs longer than this many logged rows are smoothed by {@link #pretrainLoss} and co. */
  static final int SMOOTH_ABOVE = 200;

  private CurveFigures() {}

  /**
   * MIM and [CLS] losses (eq. 5 on the masked patches) of one or more pretraining runs against the
   * step, on one chart: series "run: mimLoss", "run: clsLoss".
   *
   * @param runs run label (e.g. "VQ-KD targets") to its {@code StepMetrics} table
   */
  public static XYChart pretrainLoss(Map<String, MetricsTable> runs) {
    return curves(
        "Pretraining loss (masked patches)", "step", "cross-entropy", runs, "mimLoss", "clsLoss");
  }

  /** Share of masked patches whose most likely token is the target, per run, against the step. */
  public static XYChart pretrainAccuracy(Map<String, MetricsTable> runs) {
    return curves("Masked-token accuracy", "step", "accuracy", runs, "mimAcc", "clsAcc");
  }

  /**
   * The VQ-KD tokenizer's training log as four panels: distillation loss, cosine to the teacher,
   * share of codes used and perplexity of code usage. Columns are those of {@code
   * VqKdTokenizer.StepLog} ({@code distill, commitment, cosine, usedFraction, perplexity, ...});
   * the shorter names {@code loss} and {@code usage} are accepted too.
   *
   * @return a {@code 2 * PANEL_WIDTH + 8} by {@code 2 * PANEL_HEIGHT + 8} picture
   */
  public static BufferedImage tokenizerCurves(MetricsTable log) {
    String[][] panels = {
      {"Distillation loss 1 - cos(o, t)", "loss", "distill", "loss"},
      {"Cosine to the teacher", "cosine", "cosine"},
      {"Codes used (share of K)", "share", "usedFraction", "usage"},
      {"Perplexity of code usage", "perplexity", "perplexity"}
    };
    double[] x = log.numbers("step");
    List<BufferedImage> pictures = new ArrayList<>();
    for (String[] p : panels) {
      String column = log.firstPresent(Arrays.copyOfRange(p, 2, p.length));
      XYChart chart;
      if (column == null) {
        chart = Charts.line(p[0] + " (not logged)", "step", p[1], Map.of());
      } else {
        chart = Charts.line(p[0], "step", p[1], Map.of());
        addSeries(chart, column, x, log.numbers(column));
      }
      chart.getStyler().setLegendVisible(false);
      pictures.add(Charts.toImage(chart, PANEL_WIDTH, PANEL_HEIGHT));
    }
    return ImageGrid.tile(pictures, 2, 8);
  }

  /**
   * How often each code was chosen over a data set, as a rank-frequency curve: codes sorted from
   * most to least used (rank 1 = most used) against their count. With a long tail (largest /
   * smallest count above {@value #LOG_RATIO}) the axis is logarithmic and shows {@code count + 1}
   * so that dead codes stay on it.
   */
  public static XYChart codebookUsage(CodebookHealth health, long images) {
    long[] counts = health.counts();
    Arrays.sort(counts);
    int k = counts.length;
    long max = counts[k - 1];
    long min = Math.max(1, counts[0]);
    boolean log = max / (double) min > LOG_RATIO;
    double[] rank = new double[k];
    double[] sorted = new double[k];
    for (int i = 0; i < k; i++) {
      rank[i] = i + 1;
      sorted[i] = counts[k - 1 - i] + (log ? 1 : 0);
    }
    String title =
        String.format(
            java.util.Locale.ROOT,
            "Codebook usage over %,d images: %d of %d codes used, perplexity %.1f",
            images,
            k - health.deadCodes(),
            k,
            health.perplexity());
    XYChart chart =
        Charts.line(
            title, "code rank (1 = most used)", log ? "patches (count + 1)" : "patches", Map.of());
    addSeries(chart, "patches per code", rank, sorted);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setYAxisLogarithmic(log);
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) k);
    return chart;
  }

  /**
   * Linear-probe, k-NN and fine-tuning top-1 accuracy of every row of {@code eval/results.csv}
   * (header {@code name,description,linear_top1,knn_top1,finetune_top1}); blank cells are drawn as
   * 0 and the series of a column with no value at all is left out.
   */
  public static CategoryChart results(MetricsTable results) {
    List<String> names = List.of(results.text("name"));
    Map<String, double[]> series = new LinkedHashMap<>();
    String[][] columns = {
      {"linear probe", "linear_top1"}, {"k-NN", "knn_top1"}, {"fine-tuning", "finetune_top1"}
    };
    for (String[] c : columns) {
      if (results.hasValues(c[1])) {
        double[] v = results.numbers(c[1]).clone();
        for (int i = 0; i < v.length; i++) {
          v[i] = Double.isFinite(v[i]) ? v[i] : 0;
        }
        series.put(c[0], v);
      }
    }
    CategoryChart chart =
        Charts.bars("Top-1 accuracy on the held-out split", "features", "top-1", names, series);
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    return chart;
  }

  /**
   * One series per (run, column) present with values; NaN points left out. Runs of more than
   * {@value #SMOOTH_ABOVE} rows are drawn as a trailing moving average over 1/50 of the rows (the
   * title says so): single-batch values are too noisy to read.
   */
  private static XYChart curves(
      String title,
      String xTitle,
      String yTitle,
      Map<String, MetricsTable> runs,
      String... columns) {
    int rows = runs.values().stream().mapToInt(MetricsTable::size).max().orElse(0);
    int window = rows > SMOOTH_ABOVE ? rows / 50 : 1;
    String suffix = window > 1 ? " (moving average of " + window + " steps)" : "";
    XYChart chart = Charts.line(title + suffix, xTitle, yTitle, Map.of());
    for (Map.Entry<String, MetricsTable> run : runs.entrySet()) {
      MetricsTable t = Objects.requireNonNull(run.getValue(), run.getKey());
      double[] x = t.numbers("step");
      for (String c : columns) {
        if (t.hasValues(c)) {
          String name = runs.size() == 1 ? c : run.getKey() + ": " + c;
          addSeries(chart, name, x, t.numbers(c), window);
        }
      }
    }
    return chart;
  }

  private static void addSeries(XYChart chart, String name, double[] x, double[] y) {
    addSeries(chart, name, x, y, 1);
  }

  private static void addSeries(XYChart chart, String name, double[] x, double[] y, int window) {
    int n = 0;
    for (int i = 0; i < y.length; i++) {
      n += Double.isFinite(x[i]) && Double.isFinite(y[i]) ? 1 : 0;
    }
    if (n == 0) {
      return;
    }
    double[] xs = new double[n];
    double[] ys = new double[n];
    int j = 0;
    for (int i = 0; i < y.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        xs[j] = x[i];
        ys[j++] = y[i];
      }
    }
    if (window > 1) {
      ys = Charts.movingAverage(ys, window);
    }
    chart.addSeries(name, xs, ys).setMarker(n == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
  }
}
