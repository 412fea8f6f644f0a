package org.beit4j.quantizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CodebookTest {

  @BeforeAll
  static void init() {
    Beit4j.init();
  }

  /** {@code perCentre} noisy copies (noise sd {@code noise}) of each row of {@code centres}. */
  private static double[][] around(double[][] centres, int perCentre, double noise, Random r) {
    int d = centres[0].length;
    double[][] x = new double[centres.length * perCentre][d];
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < d; c++) {
        x[i][c] = centres[i % centres.length][c] + noise * r.nextGaussian();
      }
    }
    return x;
  }

  private static double cos(double[] a, double[] b) {
    double[] ua = VectorQuantizerTest.unit(a);
    double[] ub = VectorQuantizerTest.unit(b);
    double s = 0;
    for (int c = 0; c < a.length; c++) {
      s += ua[c] * ub[c];
    }
    return s;
  }

  @Test
  void nearestEqualsBruteForceInFloat() {
    Random r = new Random(21);
    double[][] h = VectorQuantizerTest.gaussian(r, 200, 8);
    double[][] e = VectorQuantizerTest.gaussian(r, 64, 8);
    QuantizerConfig cfg = QuantizerConfig.small().withCodebookSize(64).withCodeDim(8);
    Codebook cb = Codebook.of(cfg, Nd4j.create(e).castTo(DataType.FLOAT), 1);
    int[] got = cb.nearest(Nd4j.create(h).castTo(DataType.FLOAT));
    int[] expected = VectorQuantizerTest.bruteForceNearest(h, e);
    int same = 0;
    for (int i = 0; i < got.length; i++) {
      same += got[i] == expected[i] ? 1 : 0;
    }
    // float rounding may flip a near tie; random data has none closer than 1e-6 in practice
    assertEquals(200, same);
  }

  @Test
  void kmeansInitRecoversWellSeparatedCentres() {
    Random r = new Random(4);
    double[][] centres = VectorQuantizerTest.gaussian(r, 6, 16);
    // noise so large that a single sample is a poor centre: only the cluster means pass 0.99
    double[][] x = around(centres, 40, 0.3, r);
    double meanSampleCos = 0;
    for (int i = 0; i < x.length; i++) {
      meanSampleCos += cos(x[i], centres[i % 6]) / x.length;
    }
    assertTrue(meanSampleCos < 0.99, "precondition: samples alone are off, cos " + meanSampleCos);
    QuantizerConfig cfg = QuantizerConfig.small().withCodebookSize(6).withCodeDim(16);
    Codebook cb = Codebook.init(cfg, Nd4j.create(x), 99);
    double[][] found = cb.embeddings().toDoubleMatrix();
    for (double[] c : centres) {
      double best = -1;
      for (double[] f : found) {
        best = Math.max(best, cos(c, f));
      }
      assertTrue(best > 0.99, "centre recovered with cosine " + best);
    }
    assertEquals(0, CodebookHealth.of(cb.nearest(Nd4j.create(x)), 6).deadCodes());
  }

  @Test
  void randomInitGivesUnitRowsWhenKmeansIsOff() {
    QuantizerConfig cfg =
        QuantizerConfig.small().withCodebookSize(10).withCodeDim(4).withKmeansInit(false);
    Codebook cb = Codebook.init(cfg, Nd4j.rand(DataType.DOUBLE, 3, 4), 5);
    INDArray norms = cb.embeddings().norm2(1);
    assertEquals(10, norms.length());
    assertEquals(0.0, norms.sub(1.0).amaxNumber().doubleValue(), 1e-12);
  }

  /** Three codes on the data, three pointing away from it. */
  private static Codebook halfDead(int window) {
    double[][] e = {
      {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {-1, -1, -1, 0}, {-1, -1, -1, 1}, {-1, -1, -1, -1}
    };
    QuantizerConfig cfg =
        QuantizerConfig.small().withCodebookSize(6).withCodeDim(4).withDeadCodeWindow(window);
    return Codebook.of(cfg, Nd4j.create(e), 17);
  }

  private static INDArray positiveData() {
    double[][] c = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
    double[][] x = around(c, 10, 0.1, new Random(8));
    for (double[] row : x) {
      for (int k = 0; k < 3; k++) {
        row[k] = Math.abs(row[k]);
      }
    }
    return Nd4j.create(x);
  }

  @Test
  void deadCodesAreReseededAfterTheWindowAndThenUsed() {
    Codebook cb = halfDead(2);
    INDArray h = positiveData();
    assertEquals(3, CodebookHealth.of(cb.nearest(h), 6).deadCodes());
    assertEquals(0, cb.update(h, cb.nearest(h)), "step 1: inside the window");
    assertEquals(3, cb.update(h, cb.nearest(h)), "step 2: codes 3, 4, 5 unused for 2 steps");
    double[][] rows = cb.embeddings().toDoubleMatrix();
    double[][] data = Codebook.normaliseRows(h).toDoubleMatrix();
    for (int k = 3; k < 6; k++) {
      boolean isDataRow = false;
      for (double[] x : data) {
        isDataRow |= cos(rows[k], x) > 1 - 1e-12;
      }
      assertTrue(isDataRow, "code " + k + " is a data vector");
    }
    CodebookHealth health = CodebookHealth.of(cb.nearest(h), 6);
    assertEquals(0, health.deadCodes(), health.toString());
    assertEquals(0, cb.update(h, cb.nearest(h)), "step 3: every code used");
  }

  @Test
  void windowZeroNeverReseeds() {
    Codebook cb = halfDead(0);
    INDArray h = positiveData();
    for (int s = 0; s < 5; s++) {
      assertEquals(0, cb.update(h, cb.nearest(h)));
    }
    assertEquals(3, CodebookHealth.of(cb.nearest(h), 6).deadCodes());
  }

  @Test
  void saveLoadRoundTripContinuesIdentically(@TempDir Path dir) throws Exception {
    Random r = new Random(12);
    INDArray h = Nd4j.create(VectorQuantizerTest.gaussian(r, 30, 4)).castTo(DataType.FLOAT);
    QuantizerConfig cfg =
        QuantizerConfig.small().withCodebookSize(20).withCodeDim(4).withDeadCodeWindow(2);
    Codebook a = Codebook.init(cfg, h, 3);
    a.update(h, a.nearest(h));
    a.save(dir);
    Codebook b = Codebook.load(dir);
    assertEquals(a.config(), b.config());
    assertEquals(a.step(), b.step());
    assertEquals(a.embeddings(), b.embeddings());
    assertEquals(a.clusterSize(), b.clusterSize());
    for (int s = 0; s < 3; s++) {
      INDArray hs = h.mul(s + 1).addi(0.1 * s);
      assertEquals(a.update(hs, a.nearest(hs)), b.update(hs, b.nearest(hs)));
    }
    assertEquals(a.embeddings(), b.embeddings());
    assertArrayEquals(a.nearest(h), b.nearest(h));
  }

  @Test
  void widthMismatchNamesBothShapes() {
    QuantizerConfig cfg = QuantizerConfig.small().withCodebookSize(64).withCodeDim(8);
    Codebook cb = Codebook.random(cfg, DataType.FLOAT, 1);
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class, () -> cb.nearest(Nd4j.rand(DataType.FLOAT, 3, 16)));
    assertTrue(ex.getMessage().contains("[3, 16]"), ex.getMessage());
    assertTrue(ex.getMessage().contains("[64, 8]"), ex.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> cb.update(Nd4j.rand(DataType.FLOAT, 3, 16), new int[3]));
  }
}
