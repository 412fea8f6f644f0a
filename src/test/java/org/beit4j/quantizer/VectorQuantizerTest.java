package org.beit4j.quantizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class VectorQuantizerTest {

  private static final String S = "vqkd/quantizer";

  @BeforeAll
  static void init() {
    Beit4j.init();
  }

  public static double[][] gaussian(Random r, int rows, int cols) {
    double[][] a = new double[rows][cols];
    for (double[] row : a) {
      for (int c = 0; c < cols; c++) {
        row[c] = r.nextGaussian();
      }
    }
    return a;
  }

  /** Eq. (1) literally: argmin_j || l2(h) - l2(e_j) ||, by loops. */
  static int[] bruteForceNearest(double[][] h, double[][] e) {
    int[] out = new int[h.length];
    for (int i = 0; i < h.length; i++) {
      double[] hn = unit(h[i]);
      double best = Double.MAX_VALUE;
      for (int j = 0; j < e.length; j++) {
        double[] en = unit(e[j]);
        double dist = 0;
        for (int c = 0; c < hn.length; c++) {
          dist += (hn[c] - en[c]) * (hn[c] - en[c]);
        }
        if (dist < best) {
          best = dist;
          out[i] = j;
        }
      }
    }
    return out;
  }

  static double[] unit(double[] v) {
    double ss = 0;
    for (double x : v) {
      ss += x * x;
    }
    double n = Math.sqrt(ss);
    double[] out = new double[v.length];
    for (int c = 0; c < v.length; c++) {
      out[c] = v[c] / n;
    }
    return out;
  }

  @Test
  void graphLookupEqualsBruteForceCosineArgmin() {
    Random r = new Random(7);
    double[][] h = gaussian(r, 200, 8);
    double[][] e = gaussian(r, 64, 8);
    QuantizerConfig cfg = QuantizerConfig.small().withCodebookSize(64).withCodeDim(8);
    Codebook cb = Codebook.of(cfg, Nd4j.create(e), 1);

    SameDiff sd = SameDiff.create();
    SDVariable hv = sd.placeHolder("h", DataType.DOUBLE, -1, 8);
    SDVariable cbv = VectorQuantizer.codebookConstant(sd, S, cb);
    VectorQuantizer.Quantized q = VectorQuantizer.quantize(sd, S, hv, cbv, cfg);
    Map<String, INDArray> out =
        sd.output(Map.of("h", Nd4j.create(h)), q.indices().name(), q.zq().name());

    int[] expected = bruteForceNearest(h, e);
    int[] graph = out.get(q.indices().name()).toIntVector();
    assertArrayEquals(expected, graph);
    assertArrayEquals(expected, cb.nearest(Nd4j.create(h)));
    // the forward value of zq is the selected (unit) codebook row
    double[][] zq = out.get(q.zq().name()).toDoubleMatrix();
    for (int i = 0; i < h.length; i++) {
      assertArrayEquals(unit(e[expected[i]]), zq[i], 1e-12, "row " + i);
    }
    assertEquals(VariableType.CONSTANT, cbv.getVariableType());
  }

  @Test
  void straightThroughCopiesTheGradientExactlyAndNothingReachesTheCodebook() {
    Random r = new Random(11);
    double[][] h = gaussian(r, 12, 4);
    double[][] e = gaussian(r, 5, 4);
    double[][] w = gaussian(r, 12, 4);
    SameDiff sd = SameDiff.create();
    SDVariable hv = sd.var("h", Nd4j.create(h));
    // the codebook as a trainable VARIABLE here, to show the graph gives it no gradient
    SDVariable cbv = sd.var("codebook", Nd4j.create(e));
    SDVariable hn = VectorQuantizer.l2Normalize(sd, "hn", hv, VectorQuantizer.L2_EPS);
    SDVariable cbn = VectorQuantizer.l2Normalize(sd, "cbn", cbv, VectorQuantizer.L2_EPS);
    SDVariable idx = VectorQuantizer.codeIndices(sd, "nearest", hn, cbn); // [M]
    SDVariable ez = VectorQuantizer.lookup(sd, "lookup", idx, cbv, 5); // [M, d]
    SDVariable zq = VectorQuantizer.straightThrough(sd, "st", hv, ez);
    // a non-linear loss: L = sum(sin(zq) * w), so dL/dzq = cos(zq) * w
    SDVariable loss = sd.math().sin(zq).mul(sd.constant("w", Nd4j.create(w))).sum("loss");
    sd.setLossVariables(loss);

    Map<String, INDArray> grads = sd.calculateGradients(new HashMap<>(), "h", "codebook");
    INDArray dcb = grads.get("codebook");
    assertTrue(dcb == null || dcb.amaxNumber().doubleValue() == 0.0, "codebook gradient " + dcb);
    double[][] zqv = zq.eval().toDoubleMatrix();
    double[][] dh = grads.get("h").toDoubleMatrix();
    int[] z = bruteForceNearest(h, e);
    for (int i = 0; i < h.length; i++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(e[z[i]][c], zqv[i][c], 1e-12, "forward zq equals e_z");
        assertEquals(Math.cos(zqv[i][c]) * w[i][c], dh[i][c], 0.0, "dL/dh == dL/dzq exactly");
      }
    }
  }

  @Test
  void distillationLossIsMeanOfOneMinusCosine() {
    Random r = new Random(3);
    double[][] o = gaussian(r, 6, 5);
    double[][] t = gaussian(r, 6, 5);
    double expected = 0;
    for (int i = 0; i < 6; i++) {
      double dot = 0;
      double[] on = unit(o[i]);
      double[] tn = unit(t[i]);
      for (int c = 0; c < 5; c++) {
        dot += on[c] * tn[c];
      }
      expected += (1 - dot) / 6;
    }
    SameDiff sd = SameDiff.create();
    SDVariable loss =
        VectorQuantizer.distillationLoss(
            sd,
            "vqkd/loss/distill",
            sd.constant("o", Nd4j.create(o)),
            sd.constant("t", Nd4j.create(t)));
    assertEquals(expected, loss.eval().getDouble(0), 1e-12);
  }

  @Test
  void commitmentLossIsBetaTimesElementwiseMse() {
    Random r = new Random(5);
    double[][] hn = gaussian(r, 7, 3);
    double[][] ez = gaussian(r, 7, 3);
    double beta = 0.25;
    double expected = 0;
    for (int i = 0; i < 7; i++) {
      for (int c = 0; c < 3; c++) {
        expected += beta * (hn[i][c] - ez[i][c]) * (hn[i][c] - ez[i][c]) / 21;
      }
    }
    SameDiff sd = SameDiff.create();
    SDVariable loss =
        VectorQuantizer.commitmentLoss(
            sd,
            "vqkd/loss/commit",
            sd.constant("hn", Nd4j.create(hn)),
            sd.constant("ez", Nd4j.create(ez)),
            beta);
    assertEquals(expected, loss.eval().getDouble(0), 1e-12);
  }

  @Test
  void l2NormalizeGivesUnitRows() {
    double[][] x = {{3, 4}, {0, 0}, {-1, 1}};
    SameDiff sd = SameDiff.create();
    double[][] y =
        VectorQuantizer.l2Normalize(sd, "n", sd.constant("x", Nd4j.create(x)), 1e-12)
            .eval()
            .toDoubleMatrix();
    assertArrayEquals(new double[] {0.6, 0.8}, y[0], 1e-9);
    assertArrayEquals(new double[] {0, 0}, y[1], 0.0);
    assertArrayEquals(new double[] {-Math.sqrt(0.5), Math.sqrt(0.5)}, y[2], 1e-9);
  }

  @Test
  void graphSeesTheCodebookAfterAnEmaStep() {
    Random r = new Random(9);
    QuantizerConfig cfg =
        QuantizerConfig.small().withCodebookSize(16).withCodeDim(4).withEmaDecay(0.5);
    INDArray h = Nd4j.create(gaussian(r, 40, 4));
    Codebook cb = Codebook.random(cfg, DataType.DOUBLE, 2);
    SameDiff sd = SameDiff.create();
    SDVariable hv = sd.placeHolder("h", DataType.DOUBLE, -1, 4);
    SDVariable cbv = VectorQuantizer.codebookConstant(sd, S, cb);
    VectorQuantizer.Quantized q = VectorQuantizer.quantize(sd, S, hv, cbv, cfg);
    for (int step = 0; step < 3; step++) {
      cb.update(h, cb.nearest(h));
      cb.copyTo(sd, cbv.name());
      INDArray zq = sd.output(Map.of("h", h), q.zq().name()).get(q.zq().name());
      int[] z = cb.nearest(h);
      assertEquals(cb.embeddings().getRows(z), zq);
    }
  }

  @Test
  void codeDimensionMismatchNamesBothShapes() {
    SameDiff sd = SameDiff.create();
    SDVariable hv = sd.placeHolder("h", DataType.FLOAT, -1, 16);
    SDVariable cbv = sd.constant("cb", Nd4j.rand(DataType.FLOAT, 64, 8));
    QuantizerConfig cfg = QuantizerConfig.small().withCodebookSize(64).withCodeDim(8);
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class, () -> VectorQuantizer.quantize(sd, S, hv, cbv, cfg));
    assertTrue(ex.getMessage().contains("[-1, 16]"), ex.getMessage());
    assertTrue(ex.getMessage().contains("[64, 8]"), ex.getMessage());
  }

  /** Central differences of the graph's own forward pass against SameDiff's gradient. */
  private static void assertGradientMatchesFiniteDifferences(
      SameDiff sd, SDVariable loss, String var) {
    sd.setLossVariables(loss);
    INDArray analytic = sd.calculateGradients(new HashMap<>(), var).get(var).dup();
    INDArray x = sd.getVariable(var).getArr();
    double eps = 1e-6;
    double worst = 0;
    for (int i = 0; i < x.length(); i++) {
      double v = x.getDouble(i);
      x.putScalar(i, v + eps);
      double up = sd.output(new HashMap<>(), loss.name()).get(loss.name()).getDouble(0);
      x.putScalar(i, v - eps);
      double down = sd.output(new HashMap<>(), loss.name()).get(loss.name()).getDouble(0);
      x.putScalar(i, v);
      double numeric = (up - down) / (2 * eps);
      double rel =
          Math.abs(numeric - analytic.getDouble(i))
              / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic.getDouble(i)));
      worst = Math.max(worst, rel);
    }
    assertTrue(worst < 1e-6, var + ": worst relative error " + worst);
  }

  @Test
  void distillationLossAndL2NormalizeGradientsMatchFiniteDifferences() {
    Random r = new Random(31);
    SameDiff sd = SameDiff.create();
    SDVariable o = sd.var("o", Nd4j.create(gaussian(r, 4, 5)));
    SDVariable t = sd.constant("t", Nd4j.create(gaussian(r, 4, 5)));
    SDVariable loss = VectorQuantizer.distillationLoss(sd, "vqkd/loss/distill", o, t);
    assertGradientMatchesFiniteDifferences(sd, loss, "o");
  }

  @Test
  void commitmentLossGradientMatchesFiniteDifferencesAndSkipsTheCode() {
    Random r = new Random(37);
    SameDiff sd = SameDiff.create();
    SDVariable h = sd.var("h", Nd4j.create(gaussian(r, 4, 3)));
    SDVariable ez = sd.var("ez", Nd4j.create(gaussian(r, 4, 3)));
    SDVariable hn = VectorQuantizer.l2Normalize(sd, "hn", h, VectorQuantizer.L2_EPS);
    SDVariable loss = VectorQuantizer.commitmentLoss(sd, "vqkd/loss/commit", hn, ez, 0.7);
    assertGradientMatchesFiniteDifferences(sd, loss, "h");
    INDArray dez = sd.calculateGradients(new HashMap<>(), "h", "ez").get("ez");
    assertTrue(dez == null || dez.amaxNumber().doubleValue() == 0.0, "sg(e_z) lets through " + dez);
  }
}
