package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/** The im2col convolution of {@link CnnTeacherNet} against ND4J's own {@code conv2d}. */
class CnnTeacherNetTest {

  static {
    Beit4j.init();
  }

  @Test
  void im2colConvolutionEqualsConv2dForwardAndBackward() {
    for (int stride : new int[] {1, 2}) {
      for (int k : new int[] {1, 3}) {
        compare(6, 3, 5, k, stride);
      }
    }
  }

  /** Builds both convolutions on the same weights; compares outputs and input/weight gradients. */
  private static void compare(int side, int in, int out, int k, int stride) {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 2, side, side, in).subi(0.5)); // NHWC
    SDVariable ours = CnnTeacherNet.conv(sd, "ours", new Random(3), x, side, in, out, k, stride);
    INDArray w = sd.getVariable("ours/w").getArr(); // [k*k*in, out]
    sd.getVariable("ours/b").getArr().assign(Nd4j.linspace(DataType.FLOAT, -1, 1, out));
    // reference: ND4J conv2d with the same weights in [k, k, in, out] layout, NCHW input
    SDVariable wRef = sd.var("ref/w", w.reshape('c', k, k, in, out).dup());
    SDVariable bRef = sd.var("ref/b", sd.getVariable("ours/b").getArr().dup());
    Conv2DConfig conf =
        Conv2DConfig.builder()
            .kH(k)
            .kW(k)
            .sH(stride)
            .sW(stride)
            .pH((k - 1) / 2)
            .pW((k - 1) / 2)
            .dH(1)
            .dW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat("NCHW")
            .build();
    SDVariable ref =
        sd.permute(sd.cnn().conv2d(sd.permute(x, 0, 3, 1, 2), wRef, bRef, conf), 0, 2, 3, 1);
    SDVariable probe = sd.var("probe", Nd4j.rand(DataType.FLOAT, ours.eval().shape()));
    SDVariable lossOurs = ours.mul(probe).sum().rename("lossOurs");
    SDVariable lossRef = ref.mul(probe).sum().rename("lossRef");
    INDArray a = ours.eval();
    INDArray b = ref.eval();
    assertArrayEquals(b.shape(), a.shape(), "output shape, k=" + k + " stride=" + stride);
    assertEquals(0, a.sub(b).amaxNumber().doubleValue(), 1e-4, "output, k=" + k);

    sd.setLossVariables("lossOurs");
    Map<String, INDArray> gOurs = sd.calculateGradients(Map.of(), "x", "ours/w");
    sd.setLossVariables("lossRef");
    Map<String, INDArray> gRef = sd.calculateGradients(Map.of(), "x", "ref/w");
    String where = "k=" + k + " stride=" + stride;
    assertEquals(0, gOurs.get("x").sub(gRef.get("x")).amaxNumber().doubleValue(), 1e-4, where);
    INDArray gw = gRef.get("ref/w").reshape('c', (long) k * k * in, out);
    assertEquals(0, gOurs.get("ours/w").sub(gw).amaxNumber().doubleValue(), 1e-4, where);
  }

  @Test
  void channelNormNormalisesEveryPositionOverItsChannels() {
    SameDiff sd = SameDiff.create();
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 3, 3, 4).muli(4).subi(1); // [B, H, W, C]
    SDVariable x = sd.var("x", in);
    SDVariable y = CnnTeacherNet.channelNorm(sd, "n", x, 4);
    double[] gain = {1.5, -0.5, 2, 0.25};
    double[] beta = {0.1, 0.2, -0.3, 0};
    sd.getVariable("n/gain").getArr().assign(Nd4j.createFromArray(gain));
    sd.getVariable("n/b").getArr().assign(Nd4j.createFromArray(beta));
    INDArray out = y.eval();
    for (int b = 0; b < 2; b++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double mean = 0;
          for (int c = 0; c < 4; c++) {
            mean += in.getDouble(b, i, j, c) / 4;
          }
          double var = 0;
          for (int c = 0; c < 4; c++) {
            double d = in.getDouble(b, i, j, c) - mean;
            var += d * d / 4;
          }
          for (int c = 0; c < 4; c++) {
            double want = gain[c] * (in.getDouble(b, i, j, c) - mean) / Math.sqrt(var) + beta[c];
            assertEquals(want, out.getDouble(b, i, j, c), 1e-6, "at " + b + i + j + c);
          }
        }
      }
    }
  }

  @Test
  void channelNormGradientsMatchFiniteDifferences() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.var("x", Nd4j.rand(DataType.DOUBLE, 2, 2, 2, 3).subi(0.5));
    SDVariable y = CnnTeacherNet.channelNorm(sd, "n", x, 3);
    sd.getVariable("n/gain").getArr().assign(Nd4j.createFromArray(0.5, 2.0, -1.0));
    SDVariable probe = sd.constant("probe", Nd4j.rand(DataType.DOUBLE, 2, 2, 2, 3).subi(0.5));
    y.mul(probe).sum().rename("loss");
    sd.setLossVariables("loss");
    Map<String, INDArray> g = sd.calculateGradients(Map.of(), "x", "n/gain", "n/b");
    for (String name : new String[] {"x", "n/gain", "n/b"}) {
      INDArray p = sd.getVariable(name).getArr();
      for (long k = 0; k < p.length(); k++) {
        double v = p.getDouble(k);
        double h = 1e-6;
        p.putScalar(k, v + h);
        double up = sd.outputSingle(Map.of(), "loss").getDouble(0);
        p.putScalar(k, v - h);
        double down = sd.outputSingle(Map.of(), "loss").getDouble(0);
        p.putScalar(k, v);
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, g.get(name).getDouble(k), 1e-5, name + "[" + k + "]");
      }
    }
  }

  @Test
  void mlpHeadIsGeluLayerOnTheMeanPatchFeature() {
    SameDiff sd = SameDiff.create();
    INDArray f = Nd4j.rand(DataType.FLOAT, 3, 4, 5).subi(0.5); // [B, N, Dt]
    SDVariable features = sd.var("f", f);
    SDVariable logits = CnnTeacherNet.mlpHead(sd, "head", new Random(1), features, 5, 6, 2);
    sd.getVariable("head/hidden/b").getArr().assign(Nd4j.linspace(DataType.FLOAT, -1, 1, 6));
    sd.getVariable("head/b").getArr().assign(Nd4j.createFromArray(0.5f, -0.5f));
    INDArray w1 = sd.getVariable("head/hidden/w").getArr(); // [5, 6]
    INDArray b1 = sd.getVariable("head/hidden/b").getArr();
    INDArray w2 = sd.getVariable("head/w").getArr(); // [6, 2]
    INDArray out = logits.eval();
    assertArrayEquals(new long[] {3, 2}, out.shape());
    assertEquals(CnnTeacherNet.LOGITS, logits.name());
    for (int b = 0; b < 3; b++) {
      double[] hidden = new double[6];
      for (int u = 0; u < 6; u++) {
        double z = b1.getDouble(u);
        for (int d = 0; d < 5; d++) {
          double mean = 0;
          for (int n = 0; n < 4; n++) {
            mean += f.getDouble(b, n, d) / 4;
          }
          z += mean * w1.getDouble(d, u);
        }
        hidden[u] = 0.5 * z * (1 + erf(z / Math.sqrt(2))); // exact GELU
      }
      for (int k = 0; k < 2; k++) {
        double want = k == 0 ? 0.5 : -0.5;
        for (int u = 0; u < 6; u++) {
          want += hidden[u] * w2.getDouble(u, k);
        }
        assertEquals(want, out.getDouble(b, k), 1e-4, "image " + b + " class " + k);
      }
    }
  }

  /** erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7). */
  private static double erf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x));
    double poly =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double r = 1 - poly * Math.exp(-x * x);
    return x >= 0 ? r : -r;
  }
}
