package org.beit4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.data.Image;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.viz.TokenMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class FiguresTest {

  @TempDir Path tmp;

  private MetricsTable table(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return MetricsTable.read(p);
  }

  @Test
  void pretrainCurvesOfTwoRunsSkipNaNAndEmptyColumns() throws IOException {
    MetricsTable a =
        table("a.csv", "step,mimLoss,clsLoss,mimAcc\n1,4,4.1,0.1\n2,3,NaN,0.2\n3,2,3.5,0.3\n");
    MetricsTable b = table("b.csv", "step,mimLoss,clsLoss,mimAcc\n1,4.5,,0.05\n2,4.4,,0.06\n");
    Map<String, MetricsTable> runs = new LinkedHashMap<>();
    runs.put("vqkd", a);
    runs.put("pixel", b);
    XYChart loss = CurveFigures.pretrainLoss(runs);
    assertEquals(
        List.of("vqkd: mimLoss", "vqkd: clsLoss", "pixel: mimLoss"),
        List.copyOf(loss.getSeriesMap().keySet()));
    assertArrayEquals(new double[] {1, 3}, loss.getSeriesMap().get("vqkd: clsLoss").getXData(), 0);
    XYChart acc = CurveFigures.pretrainAccuracy(Map.of("only", a));
    assertEquals(List.of("mimAcc"), List.copyOf(acc.getSeriesMap().keySet()));
  }

  @Test
  void longRunsAreSmoothed() throws IOException {
    StringBuilder sb = new StringBuilder("step,mimLoss\n");
    for (int i = 1; i <= 500; i++) {
      sb.append(i).append(',').append(i % 2 == 0 ? 1 : 3).append('\n');
    }
    XYChart c = CurveFigures.pretrainLoss(Map.of("r", table("long.csv", sb.toString())));
    assertTrue(c.getTitle().endsWith("(moving average of 10 steps)"), c.getTitle());
    double[] y = c.getSeriesMap().get("mimLoss").getYData();
    assertEquals(2.0, y[499], 1e-12); // mean of five 1s and five 3s
  }

  @Test
  void tokenizerCurvesAcceptStepLogOrShortNames() throws IOException {
    MetricsTable log =
        table(
            "t.csv",
            "step,distill,commitment,cosine,usedFraction,perplexity,reseeded,msPerStep\n"
                + "5,0.8,0.01,0.2,0.9,40,0,100\n10,0.5,0.01,0.5,0.8,30,1,100\n");
    BufferedImage img = CurveFigures.tokenizerCurves(log);
    assertEquals(2 * CurveFigures.PANEL_WIDTH + 8, img.getWidth());
    assertEquals(2 * CurveFigures.PANEL_HEIGHT + 8, img.getHeight());
    MetricsTable shortNames =
        table("s.csv", "step,loss,cosine,usage,perplexity\n5,0.8,0.2,0.9,40\n");
    assertEquals(
        2 * CurveFigures.PANEL_WIDTH + 8, CurveFigures.tokenizerCurves(shortNames).getWidth());
  }

  @Test
  void usageIsSortedAndLogOnlyForLongTails() {
    XYChart even = CurveFigures.codebookUsage(CodebookHealth.of(new long[] {3, 5, 4, 4}), 1);
    assertArrayEquals(
        new double[] {5, 4, 4, 3}, even.getSeriesMap().values().iterator().next().getYData(), 0);
    assertFalse(even.getStyler().isYAxisLogarithmic());
    XYChart tail = CurveFigures.codebookUsage(CodebookHealth.of(new long[] {0, 1000, 2, 0}), 1);
    assertTrue(tail.getStyler().isYAxisLogarithmic());
    assertArrayEquals(
        new double[] {1001, 3, 1, 1}, tail.getSeriesMap().values().iterator().next().getYData(), 0);
    assertTrue(tail.getTitle().contains("2 of 4 codes used"), tail.getTitle());
  }

  @Test
  void resultsChartDropsEmptyColumnsAndZeroesBlanks() throws IOException {
    MetricsTable r =
        table(
            "r.csv",
            "name,description,linear_top1,knn_top1,finetune_top1\na,pixels,0.7,,\nb,\"x, y\",0.5,0.4,\n");
    var chart = CurveFigures.results(r);
    assertEquals(List.of("linear probe", "k-NN"), List.copyOf(chart.getSeriesMap().keySet()));
    assertEquals(0.0, chart.getSeriesMap().get("k-NN").getYData().iterator().next().doubleValue());
    MetricsTable tuned =
        table(
            "t.csv",
            "name,description,linear_top1,knn_top1,finetune_top1\na,pixels,0.7,0.6,\nb,vit,0.5,0.4,0.8\n");
    assertEquals(
        List.of("linear probe", "k-NN", "fine-tuning"),
        List.copyOf(CurveFigures.results(tuned).getSeriesMap().keySet()));
  }

  @Test
  void maskPanelsShowCodesOnlyUnderTheMaskWithRightAndWrongFrames() {
    Image img = new Image(1, 28, 28, new float[28 * 28]);
    boolean[] mask = new boolean[49];
    mask[0] = true; // right
    mask[1] = true; // wrong
    int[] targets = new int[49];
    targets[0] = 3;
    targets[1] = 4;
    int[] predicted = new int[49];
    java.util.Arrays.fill(predicted, -1);
    predicted[0] = 3;
    predicted[1] = 9;
    BufferedImage pic =
        TokenFigures.maskPredictions(
            List.of(img),
            new boolean[][] {mask},
            new int[][] {targets},
            new int[][] {predicted},
            7,
            16);
    int panel = 7 * 16 + TokenFigures.GAP;
    assertEquals(4 * 112 + 3 * TokenFigures.GAP, pic.getWidth());
    assertEquals(112, pic.getHeight());
    // the hidden-image panel: masked patch 0 painted over, visible patch 2 black (image is 0)
    assertEquals(TokenFigures.HIDDEN.getRGB(), pic.getRGB(panel + 8, 8));
    assertEquals(0xff000000, pic.getRGB(panel + 2 * 16 + 8, 8));
    // the target panel: code colour on a masked cell (away from the number), white elsewhere
    assertEquals(TokenMap.colour(3).getRGB(), pic.getRGB(2 * panel + 2, 14));
    assertEquals(0xffffffff, pic.getRGB(2 * panel + 2 * 16 + 8, 8));
    // the prediction panel: green frame where right, red where wrong
    assertEquals(TokenFigures.RIGHT.getRGB(), pic.getRGB(3 * panel + 1, 8));
    assertEquals(TokenFigures.WRONG.getRGB(), pic.getRGB(3 * panel + 16 + 1, 8));
    assertEquals(
        0.5,
        TokenFigures.accuracy(
            new boolean[][] {mask}, new int[][] {targets}, new int[][] {predicted}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TokenFigures.maskPredictions(
                List.of(img), new boolean[0][], new int[0][], new int[0][], 7, 16));
  }
}
