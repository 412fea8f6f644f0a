package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Init;
import org.beit4j.nn.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PretrainModelTest {

  static final int K = 16;

  static PretrainConfig config() {
    return PretrainConfig.of(VitConfig.test(), K, 20, 4).withClsHeadLayer(1);
  }

  static PretrainModel.Batch batch(PretrainConfig cfg, int b, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray images = Nd4j.rand(DataType.FLOAT, b, 1, 28, 28);
    INDArray mask = new BlockMasking(cfg.masking(), seed).batch(0, b);
    INDArray codes = Nd4j.rand(DataType.FLOAT, b, 49).muli(K).castTo(DataType.INT);
    return new PretrainModel.Batch(images, mask, codes);
  }

  @Test
  void eq3BlendsTheMaskToken() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 3, 2);
    SDVariable m = sd.placeHolder("m", DataType.DOUBLE, -1, 3);
    SDVariable y = Mim.maskBlend(sd, "mim/mask", new Init(1, DataType.DOUBLE), x, m, 3, 2);
    INDArray token = sd.getVariable("mim/mask/token").getArr();
    INDArray xs = Nd4j.createFromArray(new double[][][] {{{1, 2}, {3, 4}, {5, 6}}});
    INDArray ms = Nd4j.createFromArray(new double[][] {{0, 1, 0}});
    INDArray out = sd.output(Map.of("x", xs, "m", ms), y.name()).get(y.name());
    assertEquals(1.0, out.getDouble(0, 0, 0), 0);
    assertEquals(6.0, out.getDouble(0, 2, 1), 0);
    assertEquals(token.getDouble(0, 0, 0), out.getDouble(0, 1, 0), 1e-15);
    assertEquals(token.getDouble(0, 0, 1), out.getDouble(0, 1, 1), 1e-15);
  }

  @Test
  void eq5IsCrossEntropyOnMaskedPositionsOnly() {
    SameDiff sd = SameDiff.create();
    SDVariable logits = sd.placeHolder("z", DataType.DOUBLE, -1, 3);
    SDVariable mask = sd.placeHolder("m", DataType.DOUBLE, -1, 2);
    SDVariable codes = sd.placeHolder("c", DataType.INT, -1, 2);
    SDVariable index = Mim.maskedIndex(sd, "mim/index", mask);
    SDVariable rows = Mim.maskedRows(sd, "mim/rows", logits, index);
    SDVariable maskedCodes = Mim.maskedRows(sd, "mim/codes", sd.reshape(codes, -1), index);
    SDVariable loss = Mim.maskedCrossEntropy(sd, "mim/loss", rows, maskedCodes, 3);
    SDVariable acc = Mim.maskedAccuracy(sd, "mim/acc", rows, maskedCodes);
    assertEquals("mim/loss", loss.name());
    assertEquals("mim/acc", acc.name());
    double[][] z = {{1, 2, 3}, {0, 0, 5}, {2, 0, 0}, {1, 1, 1}};
    int[] c = {2, 0, 0, 1};
    double[] m = {1, 0, 1, 1};
    Map<String, INDArray> in =
        Map.of(
            "z", Nd4j.createFromArray(z),
            "m", Nd4j.createFromArray(new double[][] {{1, 0}, {1, 1}}),
            "c", Nd4j.createFromArray(new int[][] {{2, 0}, {0, 1}}));
    Map<String, INDArray> out = sd.output(in, loss.name(), acc.name());
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      double lse = Math.log(Math.exp(z[i][0]) + Math.exp(z[i][1]) + Math.exp(z[i][2]));
      expected += m[i] * (lse - z[i][c[i]]);
    }
    assertEquals(expected / 3, out.get(loss.name()).getDouble(0), 1e-12);
    // masked rows 0, 2, 3: argmax 2 = 2 (hit), 0 = 0 (hit), row 3 ties -> index 0 != 1 (miss)
    assertEquals(2.0 / 3, out.get(acc.name()).getDouble(0), 1e-12);
  }

  @Test
  void sharedHeadIsOneVariableWhoseGradientSumsBothLosses() {
    PretrainModel model = PretrainModel.build(config(), DataType.FLOAT);
    List<String> heads = model.parameterNames().stream().filter(n -> n.contains("head/w")).toList();
    assertEquals(List.of("mim/head/w"), heads);
    PretrainModel.Batch b = batch(config(), 4, 2);
    var og = model.gradients(b);
    INDArray both = og.getGradients().get("mim/head/w").dup();
    // at initialisation both losses are near log K (logits near 0) and the total is their sum
    double mim = og.getOutputs().get(PretrainModel.MIM_LOSS).getDouble(0);
    double cls = og.getOutputs().get(PretrainModel.CLS_LOSS).getDouble(0);
    assertEquals(Math.log(K), mim, 0.3);
    assertEquals(Math.log(K), cls, 0.3);
    assertEquals(mim + cls, og.getOutputs().get(PretrainModel.LOSS).getDouble(0), 1e-5);
    model.setLossWeights(1, 0);
    INDArray mimOnly = model.gradients(b).getGradients().get("mim/head/w").dup();
    model.setLossWeights(0, 1);
    INDArray clsOnly = model.gradients(b).getGradients().get("mim/head/w").dup();
    model.setLossWeights(1, 1);
    assertTrue(mimOnly.norm2Number().doubleValue() > 1e-4);
    assertTrue(clsOnly.norm2Number().doubleValue() > 1e-4);
    assertFalse(mimOnly.equalsWithEps(clsOnly, 1e-4));
    assertTrue(both.equalsWithEps(mimOnly.add(clsOnly), 1e-5), "grad(both) = sum of the two");
    assertFalse(both.equalsWithEps(mimOnly, 1e-4));
    // the fast path through fit gives the same gradients and leaves the parameters unchanged
    INDArray w = model.parameter("mim/head/w").dup();
    Map<String, INDArray> fast = model.fitGradients(b);
    assertEquals(model.parameterNames().size(), fast.size());
    assertTrue(both.equalsWithEps(fast.get("mim/head/w"), 1e-6), "fit gradient = gradient");
    assertEquals(w, model.parameter("mim/head/w"));
    // the [CLS] branch reaches the backbone's [CLS] token and the final norm it shares
    model.setLossWeights(0, 1);
    Map<String, INDArray> g = model.gradients(b).getGradients();
    assertTrue(g.get("vit/embed/cls").norm2Number().doubleValue() > 0);
    assertTrue(g.get("vit/norm/gain").norm2Number().doubleValue() > 0);
    assertTrue(g.get("clshead/block1/mlp/fc2/w").norm2Number().doubleValue() > 0);
  }

  @Test
  void withoutClsHeadThereIsNoBranch() {
    PretrainModel model = PretrainModel.build(config().withClsHead(false), DataType.FLOAT);
    assertTrue(model.parameterNames().stream().noneMatch(n -> n.startsWith("clshead/")));
    assertEquals(
        List.of(PretrainModel.LOSS, PretrainModel.MIM_LOSS, PretrainModel.MIM_ACC),
        model.metricNames());
  }

  @Test
  void exportedBackboneHasExactlyTheViTParameters() {
    PretrainModel model = PretrainModel.build(config(), DataType.FLOAT);
    VisionTransformer vt = model.exportBackbone();
    List<String> names =
        vt.sameDiff().variables().stream()
            .filter(v -> v.getVariableType() == VariableType.VARIABLE)
            .map(SDVariable::name)
            .toList();
    assertTrue(names.stream().allMatch(n -> n.startsWith("vit/")), names.toString());
    assertTrue(names.stream().noneMatch(n -> n.contains("clshead") || n.contains("mim")));
    assertEquals(model.backboneParameterNames().size(), names.size());
    for (String n : names) {
      assertEquals(model.parameter(n), vt.sameDiff().getVariable(n).getArr(), n);
    }
    long extra = model.parameterNames().size() - names.size();
    // mask token + head (w, b) + 2 blocks x 15 arrays (norms 4, qkv w/qb/vb, proj 2, ls 2, mlp 4)
    assertEquals(1 + 2 + 2 * 15, extra);
  }

  /**
   * Eqs. (3)-(5) and the [CLS] branch name every value they add ({@code mim/...}, {@code
   * clshead/...}, {@code pretrain/...}); the ViT blocks' own intermediate values are not named yet.
   */
  @Test
  void everyValueOfTheMimHeadAndClsBranchHasAScopedName() {
    PretrainConfig cfg = PretrainConfig.of(VitConfig.test(), 16, 10, 4).withClsHeadLayer(1);
    SameDiff sd = PretrainModel.build(cfg, DataType.FLOAT).sameDiff();
    List<String> mimOps =
        List.of(
            "log_softmax",
            "argmax",
            "onehot",
            "equals",
            "reduce_",
            "sum",
            "mean",
            "neg",
            "dynamic_partition",
            "strided_slice");
    List<String> unscoped =
        sd.variables().stream()
            .map(SDVariable::name)
            .filter(n -> !n.contains("/"))
            .filter(n -> mimOps.stream().anyMatch(n::startsWith))
            .toList();
    assertEquals(List.of(), unscoped);
    for (String n :
        List.of("mim/loss/logprob", "mim/rows", "clshead/loss/logprob", "clshead/input")) {
      assertTrue(sd.hasVariable(n), n);
    }
  }
}
