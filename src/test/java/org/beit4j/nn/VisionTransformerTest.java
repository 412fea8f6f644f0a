package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class VisionTransformerTest {

  static final VitConfig CFG = VitConfig.test();

  static INDArray images(int batch, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
  }

  /**
   * Noise images in [0, 0.5] whose class {@code c} (at most 2) is visible as a brightness offset
   * {@code 0.25 c}: raw pixels in [0, 1], the model's input contract.
   */
  static MultiDataSet batch(int batch, int classes, long seed) {
    INDArray x = images(batch, seed);
    INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
    for (int i = 0; i < batch; i++) {
      int c = (int) ((i + seed) % classes);
      y.putScalar(i, c, 1.0);
      x.slice(i).muli(0.5).addi(0.25 * c);
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(x, y);
  }

  static void assertSameParams(SameDiff a, SameDiff b) {
    List<String> names = VitGradientCheckTest.parameterNames(a);
    assertEquals(names.size(), VitGradientCheckTest.parameterNames(b).size());
    for (String n : names) {
      assertEquals(a.getVariable(n).getArr(), b.getVariable(n).getArr(), n);
    }
  }

  @Test
  void anyBatchSizeRunsOnTheSameGraph() {
    VisionTransformer model = VisionTransformer.build(CFG, 3);
    INDArray three = images(3, 1);
    INDArray f3 = model.features(three);
    assertArrayEquals(new long[] {3, 50, 32}, f3.shape());
    INDArray one = three.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)).dup();
    INDArray f1 = model.features(one);
    assertArrayEquals(new long[] {1, 50, 32}, f1.shape());
    // Each example is processed independently of the others.
    assertTrue(f1.slice(0).equalsWithEps(f3.slice(1), 1e-5));
    assertArrayEquals(new long[] {3, 32}, model.pooled(three).shape());
  }

  @Test
  void repeatedCallsGiveIdenticalValues() {
    VisionTransformer model = VisionTransformer.build(CFG, 3, 4);
    VitGradientCheckTest.addCheckLoss(model, 5);
    SameDiff sd = model.sameDiff();
    INDArray x = images(2, 2);
    List<String> params = VitGradientCheckTest.parameterNames(sd);
    INDArray firstOut = model.logits(x);
    Map<String, INDArray> firstGrad = sd.calculateGradients(Map.of("images", x), params);
    for (int r = 0; r < 3; r++) {
      assertEquals(firstOut, model.logits(x), "output call " + r);
      Map<String, INDArray> grad = sd.calculateGradients(Map.of("images", x), params);
      for (String p : params) {
        assertEquals(firstGrad.get(p), grad.get(p), p + " gradient call " + r);
      }
    }
    assertTrue(firstGrad.get("vit/patch/proj/w").norm1Number().doubleValue() > 0);
  }

  @Test
  void meanPoolingAveragesPatchTokens() {
    VisionTransformer model =
        VisionTransformer.build(CFG, 3, 0, VisionTransformer.Pool.MEAN, DataType.FLOAT);
    INDArray x = images(2, 4);
    Map<String, INDArray> out = model.output(x, "features", "pooled");
    INDArray patches =
        out.get("features")
            .get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 50),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
    assertTrue(patches.mean(1).equalsWithEps(out.get("pooled"), 1e-5));
  }

  @Test
  void saveLoadGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
    VisionTransformer model = VisionTransformer.build(CFG.withAbsPosEmbed(true), 8, 3);
    INDArray x = images(2, 6);
    Path file = dir.resolve("vit.sd");
    model.save(file);
    VisionTransformer loaded = VisionTransformer.load(file);
    assertEquals(model.config(), loaded.config());
    assertEquals(3, loaded.numClasses());
    assertEquals(model.parameterCount(), loaded.parameterCount());
    assertEquals(model.logits(x), loaded.logits(x));
    assertEquals(model.features(x), loaded.features(x));
  }

  @Test
  void trainingResumesIdenticallyAfterSaveAndLoad(@TempDir Path dir) throws Exception {
    VisionTransformer model = VisionTransformer.build(CFG.withDepth(1), 8, 3);
    model.configureTraining(1e-3);
    SameDiff before = model.sameDiff().dup();
    model.fit(batch(4, 3, 1));
    model.fit(batch(4, 3, 2));
    assertNotEquals(
        before.getVariable("vit/block0/attn/qkv/w").getArr(),
        model.sameDiff().getVariable("vit/block0/attn/qkv/w").getArr(),
        "training changed nothing");
    Path file = dir.resolve("vit.sd");
    model.save(file);
    VisionTransformer loaded = VisionTransformer.load(file);
    assertSameParams(model.sameDiff(), loaded.sameDiff());
    model.fit(batch(4, 3, 3));
    loaded.fit(batch(4, 3, 3));
    assertSameParams(model.sameDiff(), loaded.sameDiff());
  }

  @Test
  void lossGoesDownOnAFixedBatch() {
    VisionTransformer model = VisionTransformer.build(CFG.withDepth(1), 8, 3);
    model.configureTraining(2e-3);
    MultiDataSet b = batch(6, 3, 1);
    double start = model.loss(b.getFeatures(0), b.getLabels(0));
    assertEquals(Math.log(3), start, 0.3, "initial loss near log K");
    for (int i = 0; i < 20; i++) {
      model.fit(b);
    }
    double end = model.loss(b.getFeatures(0), b.getLabels(0));
    assertTrue(end < 0.7 * start, "loss " + start + " -> " + end);
  }

  @Test
  void wrongImagesAreRejectedWithTheirShape() {
    VisionTransformer model = VisionTransformer.build(CFG, 1, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.features(Nd4j.rand(DataType.FLOAT, 4, 3, 28, 28)));
    assertEquals(
        "VisionTransformer expects images [B, C, H, W] = [B, 1, 28, 28] but got [4, 3, 28, 28]",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.pooled(Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32)));
    assertTrue(e.getMessage().contains("[2, 1, 32, 32]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> model.logits(Nd4j.rand(DataType.FLOAT, 28, 28)));
    assertTrue(e.getMessage().contains("[28, 28]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> model.fit(batch(2, 2, 1)));
    VisionTransformer noHead = VisionTransformer.build(CFG, 1);
    assertThrows(IllegalStateException.class, () -> noHead.logits(images(1, 1)));
    assertThrows(IllegalStateException.class, () -> noHead.configureTraining(1e-3));
    e = assertThrows(IllegalArgumentException.class, () -> VisionTransformer.build(CFG, 1, -2));
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
  }

  @Test
  void parameterCountOfTheTestPreset() {
    // patch 16*32+32, cls 32, table (13^2+3)*2, final norm 64; per block: norms 128,
    // qkv 32*96 + q/v bias 64, proj 32*32+32, MLP 32*64+64 + 64*32+32, layer scales 64.
    long block = 128 + 32 * 96 + 64 + 32 * 32 + 32 + 32 * 64 + 64 + 64 * 32 + 32 + 64;
    long expected = 16 * 32 + 32 + 32 + 172 * 2 + 64 + 2 * block;
    assertEquals(expected, VisionTransformer.build(CFG, 1).parameterCount());
  }
}
