package org.beit4j.tokenizer;

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
}
