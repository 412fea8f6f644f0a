package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Linear probe and k-NN on synthetic features with known answers. */
class LinearProbeTest {

  private static final int CLASSES = 10;
  private static final int DIM = 20;

  /** Gaussian blobs: class c centred at 6 * e_c (plus an offset and scale the probe must undo). */
  private static float[][] blobs(int n, int[] labels, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][DIM];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES;
      for (int d = 0; d < DIM; d++) {
        double centre = d == labels[i] ? 6 : 0;
        x[i][d] = (float) (100 + 50 * (centre + r.nextGaussian()));
      }
    }
    return x;
  }

  @Test
  void separableClassesAreLearnedAlmostPerfectly() {
    int[] yTrain = new int[2000];
    int[] yTest = new int[1000];
    INDArray train = Nd4j.create(blobs(2000, yTrain, 1));
    INDArray test = Nd4j.create(blobs(1000, yTest, 2));
    double acc =
        LinearProbe.evaluate(train, yTrain, test, yTest, CLASSES, LinearProbeConfig.defaults());
    // the centres are 8.5 sd apart: the Bayes error is ~1e-4
    assertTrue(acc >= 0.99, "probe accuracy " + acc);
    double knn = KnnClassifier.of(train, yTrain, CLASSES).accuracy(test, yTest);
    assertTrue(knn >= 0.98, "k-NN accuracy " + knn);
  }

  @Test
  void randomLabelsGiveChance() {
    int[] yTrain = new int[2000];
    int[] yTest = new int[2000];
    INDArray train = Nd4j.create(blobs(2000, yTrain, 3));
    INDArray test = Nd4j.create(blobs(2000, yTest, 4));
    Random r = new Random(5);
    for (int i = 0; i < yTrain.length; i++) {
      yTrain[i] = r.nextInt(CLASSES);
      yTest[i] = r.nextInt(CLASSES);
    }
    double acc =
        LinearProbe.evaluate(train, yTrain, test, yTest, CLASSES, LinearProbeConfig.defaults());
    // chance 0.1, binomial sd over 2000 rows ~0.007
    assertEquals(0.1, acc, 0.035, "probe accuracy on random labels");
    double knn = KnnClassifier.of(train, yTrain, CLASSES).accuracy(test, yTest);
    assertEquals(0.1, knn, 0.035, "k-NN accuracy on random labels");
  }

  @Test
  void plainJavaArraysWorkAndBadInputIsRefused() {
    float[][] x = {{0, 1}, {1, 0}, {0, 2}, {2, 0}};
    int[] y = {0, 1, 0, 1};
    LinearProbe p = LinearProbe.fit(x, y, 2, LinearProbeConfig.defaults().withEpochs(50));
    assertEquals(1.0, p.accuracy(Nd4j.create(x), y));
    assertEquals(1.0, new KnnClassifier(Nd4j.create(x), y, 2, 1, 0).accuracy(Nd4j.create(x), y));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinearProbe.fit(x, new int[] {0, 1, 0, 2}, 2, LinearProbeConfig.defaults()));
    assertTrue(e.getMessage().contains("label 2"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearProbeConfig(0, 1e-2, 0, 10, 0),
        "epochs 0 is refused");
    assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.create(3, 5)));
  }
}
