package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BagOfVisualWordsTest {

  @Test
  void histogramCountsWords() {
    assertArrayEquals(
        new double[] {0.5, 0, 0.25, 0.25},
        BagOfVisualWords.histogram(new int[] {0, 2, 0, 3}, 4),
        1e-12);
    assertThrows(
        IllegalArgumentException.class, () -> BagOfVisualWords.histogram(new int[] {4}, 4));
  }

  @Test
  void nearestMeanClassifies() {
    List<double[]> h =
        List.of(
            new double[] {1, 0},
            new double[] {0.8, 0.2},
            new double[] {0, 1},
            new double[] {0.4, 0.6});
    int[] labels = {0, 0, 1, 1};
    double[][] means = BagOfVisualWords.classMeans(h, labels, 2);
    assertArrayEquals(new double[] {0.9, 0.1}, means[0], 1e-12);
    assertArrayEquals(new double[] {0.2, 0.8}, means[1], 1e-12);
    assertEquals(1.0, BagOfVisualWords.accuracy(means, h, labels), 1e-12);
    assertEquals(0.5, BagOfVisualWords.accuracy(means, h, new int[] {0, 1, 1, 0}), 1e-12);
  }
}
