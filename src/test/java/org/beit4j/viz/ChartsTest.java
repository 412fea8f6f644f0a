package org.beit4j.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

class ChartsTest {

  private static int nonWhite(BufferedImage img) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void lineChartRendersAtTheRequestedSize() {
    Map<String, double[]> curves = new LinkedHashMap<>();
    curves.put("train", new double[] {2.3, 1.9, 1.2, 0.8});
    curves.put("smoothed", Charts.movingAverage(curves.get("train"), 2));
    XYChart chart = Charts.line("loss", "step", "cross-entropy", curves);
    assertEquals(2, chart.getSeriesMap().size());
    BufferedImage img = Charts.toImage(chart, 321, 123);
    assertEquals(321, img.getWidth());
    assertEquals(123, img.getHeight());
    assertTrue(nonWhite(img) > 500, "something was drawn: " + nonWhite(img));
    XYChart fresh = Charts.line("loss", "step", "ce", Map.of("a", new double[] {1, 2}));
    assertEquals(Charts.WIDTH, Charts.toImage(fresh).getWidth());
    assertEquals(Charts.HEIGHT, Charts.toImage(fresh).getHeight());
  }

  @Test
  void barsAndHistogramCheckTheirInput() {
    CategoryChart bars =
        Charts.bars("acc", "model", "%", List.of("a", "b"), Map.of("x", new double[] {1, 2}));
    assertEquals(200, Charts.toImage(bars, 200, 150).getWidth());
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.bars("acc", "m", "%", List.of("a"), Map.of("x", new double[] {1, 2})));
    CategoryChart usage = Charts.histogram("usage", "code", "count", new long[] {5, 0, 3});
    assertEquals(3, usage.getSeriesMap().get("count").getXData().size());
    assertTrue(nonWhite(Charts.toImage(usage, 300, 200)) > 500);
  }

  @Test
  void movingAverageIsTrailing() {
    assertArrayEquals(
        new double[] {1, 1.5, 2.5, 3.5}, Charts.movingAverage(new double[] {1, 2, 3, 4}, 2), 1e-12);
  }

  @Test
  void pngIsWrittenAndReadBack(@TempDir Path dir) throws Exception {
    BufferedImage img = TokenMap.render(new int[] {1, 2, 3, 4}, 2, 5, false);
    Path file = Png.write(img, dir.resolve("sub/map.png"));
    BufferedImage back = ImageIO.read(file.toFile());
    assertEquals(10, back.getWidth());
    assertEquals(img.getRGB(7, 7), back.getRGB(7, 7));
    try (var s = Files.list(file.getParent())) {
      assertEquals(1, s.count(), "no temporary file left");
    }
  }
}
