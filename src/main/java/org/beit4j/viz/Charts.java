package org.beit4j.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart (knowm.org) charts with beit4j's defaults: loss and metric curves ({@link #line}), bar
 * charts and histograms such as codebook usage ({@link #bars}, {@link #histogram}), and {@link
 * #toImage} to turn any chart into a {@link BufferedImage} of a chosen size (what notebooks display
 * and {@link Png} writes).
 */
public final class Charts {

  /** Default picture size. */
  public static final int WIDTH = 640;

  public static final int HEIGHT = 360;

  /** Above this many bars the category labels are hidden (they would overlap). */
  static final int MAX_LABELLED_BARS = 40;

  /** Axis numbers: thousands separated, up to three decimals (445,056 and 0.125, not 4E5). */
  static final String NUMBER_PATTERN = "#,##0.###";

  private Charts() {}

  /**
   * One line per entry of {@code curves}, plotted against 1, 2, 3, ... (steps or epochs).
   *
   * @param curves series name to values, in legend order (use a {@link java.util.LinkedHashMap})
   */
  public static XYChart line(
      String title, String xTitle, String yTitle, Map<String, double[]> curves) {
    XYChart chart = xy(title, xTitle, yTitle);
    for (Map.Entry<String, double[]> e : curves.entrySet()) {
      double[] y = e.getValue();
      double[] x = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        x[i] = i + 1;
      }
      add(chart, e.getKey(), x, y);
    }
    return chart;
  }

  /** One line per entry of {@code curves}, all against the same {@code x}. */
  public static XYChart line(
      String title, String xTitle, String yTitle, double[] x, Map<String, double[]> curves) {
    XYChart chart = xy(title, xTitle, yTitle);
    for (Map.Entry<String, double[]> e : curves.entrySet()) {
      if (e.getValue().length != x.length) {
        throw new IllegalArgumentException(
            "series '"
                + e.getKey()
                + "' has "
                + e.getValue().length
                + " values but x has "
                + x.length);
      }
      add(chart, e.getKey(), x, e.getValue());
    }
    return chart;
  }

  /**
   * Grouped bars: one bar per category for each series.
   *
   * @param series series name to one value per category
   */
  public static CategoryChart bars(
      String title,
      String xTitle,
      String yTitle,
      List<String> categories,
      Map<String, double[]> series) {
    CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
    style(chart, title, xTitle, yTitle);
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setOverlapped(false);
    chart.getStyler().setYAxisDecimalPattern(NUMBER_PATTERN);
    chart.getStyler().setXAxisLabelRotation(categories.size() > 6 ? 45 : 0);
    chart.getStyler().setXAxisTicksVisible(categories.size() <= MAX_LABELLED_BARS);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] v = e.getValue();
      if (v.length != categories.size()) {
        throw new IllegalArgumentException(
            "series '"
                + e.getKey()
                + "' has "
                + v.length
                + " values for "
                + categories.size()
                + " categories");
      }
      List<Double> values = new ArrayList<>();
      for (double d : v) {
        values.add(d);
      }
      chart.addSeries(e.getKey(), categories, values);
    }
    return chart;
  }

  /** One bar per index 0..n-1, e.g. how often each code of a codebook was chosen. */
  public static CategoryChart histogram(
      String title, String xTitle, String yTitle, double[] values) {
    List<String> categories = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      categories.add(Integer.toString(i));
    }
    CategoryChart chart = bars(title, xTitle, yTitle, categories, Map.of(yTitle, values));
    chart.getStyler().setXAxisLabelRotation(0);
    return chart;
  }

  /** {@link #histogram} of counts. */
  public static CategoryChart histogram(String title, String xTitle, String yTitle, long[] counts) {
    double[] v = new double[counts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = counts[i];
    }
    return histogram(title, xTitle, yTitle, v);
  }

  /**
   * Trailing moving average over up to {@code window} values ({@code out[i]} = mean of {@code
   * y[max(0, i-window+1)..i]}), to read a noisy loss curve.
   */
  public static double[] movingAverage(double[] y, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    double[] out = new double[y.length];
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      sum += y[i];
      if (i >= window) {
        sum -= y[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }

  /**
   * The chart drawn at {@code width x height} pixels. XChart keeps the size: the chart is that size
   * afterwards.
   */
  public static BufferedImage toImage(Chart<?, ?> chart, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    chart.paint(g, width, height);
    g.dispose();
    return out;
  }

  /** The chart drawn at its own size. */
  public static BufferedImage toImage(Chart<?, ?> chart) {
    return toImage(chart, chart.getWidth(), chart.getHeight());
  }

  private static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChart(WIDTH, HEIGHT);
    style(chart, title, xTitle, yTitle);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    // wide tick spacing: step numbers like 1, 16, 31, ... would otherwise collide
    chart.getStyler().setXAxisTickMarkSpacingHint(90);
    chart.getStyler().setXAxisDecimalPattern(NUMBER_PATTERN);
    return chart;
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
  }

  private static void style(Chart<?, ?> chart, String title, String xTitle, String yTitle) {
    chart.setTitle(title);
    chart.setXAxisTitle(xTitle);
    chart.setYAxisTitle(yTitle);
    Styler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setAntiAlias(true);
  }
}
