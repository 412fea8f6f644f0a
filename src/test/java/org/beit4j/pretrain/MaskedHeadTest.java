package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.beit4j.nn.Init;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MIM head and eq. (5) on the masked rows only ({@link Mim#maskedRows}) against the former
 * formulation: head on every row, cross-entropy weighted by the 0/1 mask and divided by its sum.
 * Same loss, same gradients of the tokens and of the head, up to rounding; and the masked-rows
 * gradient agrees with finite differences.
 */
class MaskedHeadTest {

  static final int B = 3;
  static final int N = 4;
  static final int D = 5;
  static final int K = 6;

  /**
   * A tiny model: tokens {@code [B, N, D]} as a variable, the head, the loss of one formulation.
   */
  static SameDiff graph(boolean maskedRowsOnly, INDArray tokens) {
    SameDiff sd = SameDiff.create();
    Init init = new Init(7, DataType.DOUBLE);
    SDVariable h = sd.var("h", tokens.dup()); // [B, N, D]
    SDVariable mask = sd.placeHolder("mask", DataType.DOUBLE, -1, N);
    SDVariable codes = sd.placeHolder("codes", DataType.INT, -1, N);
    SDVariable rows = sd.reshape(h, -1, D); // [B*N, D]
    SDVariable loss;
    if (maskedRowsOnly) {
      SDVariable index = Mim.maskedIndex(sd, "masked/index", mask);
      SDVariable logits =
          Mim.headLogits(
              sd,
              "head",
              "logits",
              init,
              Mim.maskedRows(sd, "masked/rows", rows, index),
              D,
              K); // [M, K]
      SDVariable c = Mim.maskedRows(sd, "masked/codes", sd.reshape(codes, -1), index); // [M]
      loss = Mim.maskedCrossEntropy(sd, "masked/loss", logits, c, K);
    } else {
      SDVariable logits = Mim.headLogits(sd, "head", "logits", init, rows, D, K); // [B*N, K]
      SDVariable targets =
          sd.reshape(sd.oneHot(codes, K, -1, 1.0, 0.0, DataType.DOUBLE), -1, K); // [B*N, K]
      SDVariable nll = sd.sum(targets.mul(sd.nn().logSoftmax(logits)), 1).neg(); // [B*N]
      SDVariable m = sd.reshape(mask, -1); // [B*N]
      loss = sd.sum(nll.mul(m)).div(sd.sum(m));
    }
    loss.rename("loss");
    sd.setLossVariables("loss");
    // a non-zero bias so that its gradient is tested on more than the initial zeros
    sd.getVariable("head/b").getArr().assign(Nd4j.linspace(DataType.DOUBLE, -0.3, 0.1, K));
    return sd;
  }

  static Map<String, INDArray> inputs() {
    INDArray mask =
        Nd4j.createFromArray(new double[][] {{1, 0, 1, 1}, {0, 0, 1, 0}, {1, 1, 0, 1}}); // 7 of 12
    INDArray codes = Nd4j.createFromArray(new int[][] {{0, 5, 2, 3}, {1, 4, 5, 0}, {2, 2, 1, 4}});
    return Map.of("mask", mask, "codes", codes);
  }

  static INDArray tokens() {
    Nd4j.getRandom().setSeed(11);
    return Nd4j.randn(DataType.DOUBLE, B, N, D);
  }

  @Test
  void maskedRowsGiveTheWeightedAllRowsLossAndGradients() {
    INDArray tokens = tokens();
    SameDiff all = graph(false, tokens);
    SameDiff masked = graph(true, tokens);
    assertEquals(
        all.getVariable("head/w").getArr(), masked.getVariable("head/w").getArr(), "same init");
    double lossAll = all.output(inputs(), "loss").get("loss").getDouble(0);
    double lossMasked = masked.output(inputs(), "loss").get("loss").getDouble(0);
    assertTrue(lossAll > 1.0, "a real loss: " + lossAll);
    assertEquals(lossAll, lossMasked, 1e-12);
    Map<String, INDArray> ga = all.calculateGradients(inputs(), "h", "head/w", "head/b");
    Map<String, INDArray> gm = masked.calculateGradients(inputs(), "h", "head/w", "head/b");
    for (String p : new String[] {"h", "head/w", "head/b"}) {
      assertTrue(ga.get(p).norm2Number().doubleValue() > 1e-3, p + " has a gradient");
      double diff = ga.get(p).sub(gm.get(p)).amaxNumber().doubleValue();
      assertEquals(0.0, diff, 1e-12, p);
    }
    // visible patches get no gradient: patch (1, 0) is not masked
    for (int c = 0; c < D; c++) {
      assertEquals(0.0, gm.get("h").getDouble(1, 0, c), 0);
    }
  }

  @Test
  void maskedRowsGradientMatchesFiniteDifferences() {
    SameDiff sd = graph(true, tokens());
    Map<String, INDArray> g = sd.calculateGradients(inputs(), "h", "head/w", "head/b");
    double eps = 1e-6;
    int checked = 0;
    for (String p : new String[] {"h", "head/w", "head/b"}) {
      INDArray arr = sd.getVariable(p).getArr();
      INDArray flat = arr.reshape(arr.length());
      INDArray grad = g.get(p).reshape(arr.length());
      for (long i = 0; i < arr.length(); i += 3) {
        double old = flat.getDouble(i);
        flat.putScalar(i, old + eps);
        double up = sd.output(inputs(), "loss").get("loss").getDouble(0);
        flat.putScalar(i, old - eps);
        double down = sd.output(inputs(), "loss").get("loss").getDouble(0);
        flat.putScalar(i, old);
        double numeric = (up - down) / (2 * eps);
        assertEquals(
            numeric, grad.getDouble(i), 1e-6 + 1e-4 * Math.abs(numeric), p + "[" + i + "]");
        checked++;
      }
    }
    assertTrue(checked > 20);
  }
}
