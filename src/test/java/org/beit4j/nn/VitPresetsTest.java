package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * timm-style: every preset builds, gives the right shapes without NaN, and every parameter gets a
 * non-zero gradient. small and base keep width, heads and image size but run 2 blocks instead of 12
 * so that the test takes seconds on a 2-core CPU (the blocks are identical copies).
 */
class VitPresetsTest {

  static Stream<Arguments> presets() {
    return Stream.of(
        Arguments.of("test", VitConfig.test()),
        Arguments.of("mnist", VitConfig.mnist()),
        Arguments.of("tiny", VitConfig.tiny()),
        Arguments.of("small (depth 2)", VitConfig.small().withDepth(2)),
        Arguments.of("base (depth 2)", VitConfig.base().withDepth(2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("presets")
  void shapesNoNanAndAGradientForEveryParameter(String name, VitConfig cfg) {
    int classes = 5;
    VisionTransformer model = VisionTransformer.build(cfg, 1, classes);
    VitGradientCheckTest.addCheckLoss(model, 2);
    SameDiff sd = model.sameDiff();
    Nd4j.getRandom().setSeed(4);
    INDArray images =
        Nd4j.rand(DataType.FLOAT, 1, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    Map<String, INDArray> out =
        model.output(
            images, VisionTransformer.FEATURES, VisionTransformer.POOLED, VisionTransformer.LOGITS);
    assertArrayEquals(
        new long[] {1, cfg.tokens(), cfg.width()}, out.get(VisionTransformer.FEATURES).shape());
    assertArrayEquals(new long[] {1, cfg.width()}, out.get(VisionTransformer.POOLED).shape());
    assertArrayEquals(new long[] {1, classes}, out.get(VisionTransformer.LOGITS).shape());
    for (INDArray a : out.values()) {
      assertFalse(a.isNaN().any() || a.isInfinite().any(), name + " has NaN/Inf");
    }

    List<String> params = VitGradientCheckTest.parameterNames(sd);
    // patch (2) + cls + relpos table + final norm (2) + head (2) + per block: norms (4),
    // attention (qkv/w, qbias, vbias, proj/w, proj/b), MLP (4), layer scales (2)
    assertEquals(2 + 1 + 1 + 2 + 2 + 15 * cfg.depth(), params.size(), params.toString());
    Map<String, INDArray> grads =
        sd.calculateGradients(Map.of(VisionTransformer.IMAGES, images), params);
    List<String> zero = new ArrayList<>();
    for (String p : params) {
      INDArray g = grads.get(p);
      assertArrayEquals(sd.getVariable(p).getArr().shape(), g.shape(), p);
      assertFalse(g.isNaN().any(), p + " gradient has NaN");
      if (g.norm1Number().doubleValue() == 0) {
        zero.add(p);
      }
    }
    assertTrue(zero.isEmpty(), "zero gradients: " + zero);
  }
}
