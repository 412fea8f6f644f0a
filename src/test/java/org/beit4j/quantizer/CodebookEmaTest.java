package org.beit4j.quantizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.beit4j.Beit4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CodebookEmaTest {

  // 3 codes in 2-d (code 2 gets no vector), 4 unit vectors, codes [0, 0, 1, 1]
  private static final double[][] E = {{1, 0}, {0, 1}, {-1, 0}};
  private static final double[] SIZE = {2, 0.5, 1};
  private static final double[][] H = {{0.6, 0.8}, {1, 0}, {0, 1}, {0.8, 0.6}};
  private static final int[] Z = {0, 0, 1, 1};
  private static final double DECAY = 0.9;

  @BeforeAll
  static void init() {
    Beit4j.init();
  }

  private static double[] unit(double[] v) {
    return VectorQuantizerTest.unit(v);
  }

  @Test
  void normEmaMatchesAHandComputation() {
    INDArray e = Nd4j.create(E);
    INDArray size = Nd4j.createFromArray(SIZE.clone());
    CodebookEma.normEma(e, size, Nd4j.create(H), Z, DECAY);

    // code 0: mean of h0, h1 = (0.8, 0.4); code 1: mean of h2, h3 = (0.4, 0.8)
    double[] m0 = unit(new double[] {0.8, 0.4});
    double[] m1 = unit(new double[] {0.4, 0.8});
    double[] e0 = unit(new double[] {0.9 * 1 + 0.1 * m0[0], 0.9 * 0 + 0.1 * m0[1]});
    double[] e1 = unit(new double[] {0.9 * 0 + 0.1 * m1[0], 0.9 * 1 + 0.1 * m1[1]});
    double[][] got = e.toDoubleMatrix();
    assertArrayEquals(e0, got[0], 1e-12);
    assertArrayEquals(e1, got[1], 1e-12);
    assertArrayEquals(new double[] {-1, 0}, got[2], 1e-12, "an unused code keeps its row");
    // cluster sizes: 0.9 * old + 0.1 * [2, 2, 0]
    assertArrayEquals(new double[] {2.0, 0.65, 0.9}, size.toDoubleVector(), 1e-12);
    // a value computed on paper: e0 = (0.98944, 0.04472) / 0.99045
    assertEquals(0.998980, got[0][0], 1e-6);
  }

  @Test
  void laplaceEmaMatchesAHandComputation() {
    double eps = 1e-5;
    INDArray e = Nd4j.create(E);
    INDArray size = Nd4j.createFromArray(SIZE.clone());
    INDArray avg = Nd4j.create(E);
    CodebookEma.laplaceEma(e, size, avg, Nd4j.create(H), Z, DECAY, eps);

    double[] bins = {2, 2, 0};
    double[][] sums = {{1.6, 0.8}, {0.8, 1.6}, {0, 0}};
    double[] cs = new double[3];
    double n = 0;
    for (int k = 0; k < 3; k++) {
      cs[k] = DECAY * SIZE[k] + (1 - DECAY) * bins[k];
      n += cs[k];
    }
    double[][] expAvg = new double[3][2];
    double[][] expE = new double[3][];
    for (int k = 0; k < 3; k++) {
      double smoothed = (cs[k] + eps) / (n + 3 * eps) * n;
      double[] w = new double[2];
      for (int c = 0; c < 2; c++) {
        expAvg[k][c] = DECAY * E[k][c] + (1 - DECAY) * sums[k][c];
        w[c] = expAvg[k][c] / smoothed;
      }
      expE[k] = unit(w);
    }
    assertArrayEquals(cs, size.toDoubleVector(), 1e-12);
    double[][] gotAvg = avg.toDoubleMatrix();
    double[][] gotE = e.toDoubleMatrix();
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(expAvg[k], gotAvg[k], 1e-12, "embedAvg " + k);
      assertArrayEquals(expE[k], gotE[k], 1e-12, "embedding " + k);
    }
  }
}
