package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer.Pool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences against SameDiff's gradients for every parameter, in double. */
class VitGradientCheckTest {

  static final String CHECK_LOSS = "checkloss";

  /** A tiny ViT with relative bias, absolute positions, layer scale and a head. */
  static VitConfig tinyCheckConfig() {
    return new VitConfig(8, 4, 2, 8, 2, 2, 2.0, true, 0.1, true, true, 0.0);
  }

  /**
   * Adds {@code L = sum(features * R1) + sum(logits * R2)} with fixed random weights, so that every
   * parameter (final norm included) influences the loss.
   */
  static SDVariable addCheckLoss(VisionTransformer model, long seed) {
    SameDiff sd = model.sameDiff();
    VitConfig cfg = model.config();
    DataType dt = sd.getVariable(VisionTransformer.FEATURES).dataType();
    Nd4j.getRandom().setSeed(seed);
    INDArray r1 = Nd4j.randn(DataType.DOUBLE, 1, cfg.tokens(), cfg.width()).castTo(dt);
    SDVariable loss = sd.sum(sd.getVariable(VisionTransformer.FEATURES).mul(sd.constant(r1)));
    if (model.numClasses() > 0) {
      INDArray r2 = Nd4j.randn(DataType.DOUBLE, 1, model.numClasses()).castTo(dt);
      loss = loss.add(sd.sum(sd.getVariable(VisionTransformer.LOGITS).mul(sd.constant(r2))));
    }
    loss.rename(CHECK_LOSS);
    sd.setLossVariables(CHECK_LOSS);
    return loss;
  }

  static List<String> parameterNames(SameDiff sd) {
    List<String> names = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        names.add(v.name());
      }
    }
    return names;
  }

  static Stream<Arguments> variants() {
    VitConfig beit = tinyCheckConfig();
    return Stream.of(
        Arguments.of("relative bias, layer scale, abs pos, [CLS] pool", beit, Pool.CLS),
        Arguments.of(
            "plain ViT: abs pos only, no qkv bias, no layer scale, mean pool",
            beit.withRelPosBias(false).withQkvBias(false).withLayerScaleInit(0),
            Pool.MEAN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyParameterMatchesCentralDifferences(String label, VitConfig cfg, Pool pool) {
    VisionTransformer model = VisionTransformer.build(cfg, 7, 3, pool, DataType.DOUBLE);
    addCheckLoss(model, 11);
    SameDiff sd = model.sameDiff();
    INDArray images = Nd4j.rand(DataType.DOUBLE, 2, 2, 8, 8);
    Map<String, INDArray> ph = Map.of(VisionTransformer.IMAGES, images);
    List<String> params = parameterNames(sd);
    Map<String, INDArray> grads = sd.calculateGradients(ph, params);

    double eps = 1e-6;
    Random pick = new Random(3);
    int checked = 0;
    List<String> failures = new ArrayList<>();
    for (String name : params) {
      INDArray arr = sd.getVariable(name).getArr();
      INDArray grad = grads.get(name);
      int n = (int) arr.length();
      for (int c = 0; c < Math.min(5, n); c++) {
        int i = c == 0 ? 0 : pick.nextInt(n);
        double orig = arr.getDouble(i);
        arr.putScalar(i, orig + eps);
        double plus = sd.output(ph, CHECK_LOSS).get(CHECK_LOSS).getDouble(0);
        arr.putScalar(i, orig - eps);
        double minus = sd.output(ph, CHECK_LOSS).get(CHECK_LOSS).getDouble(0);
        arr.putScalar(i, orig);
        double numeric = (plus - minus) / (2 * eps);
        double analytic = grad.getDouble(i);
        double abs = Math.abs(numeric - analytic);
        double rel = abs / Math.max(Math.abs(numeric), Math.abs(analytic));
        if (!(rel < 1e-4 || abs < 1e-7)) {
          failures.add(name + "[" + i + "] numeric " + numeric + " analytic " + analytic);
        }
        checked++;
      }
    }
    int perBlock = 11 + (cfg.qkvBias() ? 2 : 0) + (cfg.layerScaleInit() > 0 ? 2 : 0);
    int global = 2 + 1 + 2 + 2 + (cfg.absPosEmbed() ? 1 : 0) + (cfg.relPosBias() ? 1 : 0);
    assertEquals(global + perBlock * cfg.depth(), params.size(), "parameters: " + params);
    assertTrue(failures.isEmpty(), checked + " checked, failures: " + failures);
  }
}
