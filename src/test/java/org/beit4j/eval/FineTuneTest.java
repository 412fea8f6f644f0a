package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.config.VitConfigTest;
import org.beit4j.data.SyntheticImages;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.VisionTransformer.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;

class FineTuneTest {

  @TempDir Path tmp;

  private static final FineTuneConfig CONFIG =
      FineTuneConfig.defaults()
          .withEpochs(3)
          .withBatchSize(64)
          .withLearningRate(1e-2, 1e-4, 2)
          .withLayerDecay(0.75);

  @Test
  void copiesChangeOnlyTheirFields() {
    FineTuneConfig d = FineTuneConfig.defaults();
    VitConfigTest.assertOnlyChanged(d, d.withEpochs(4), "epochs");
    VitConfigTest.assertOnlyChanged(d, d.withReplicas(2), "replicas");
    VitConfigTest.assertOnlyChanged(d, d.withPool(VisionTransformer.Pool.CLS), "pool");
    FineTuneConfig lr = d.withLearningRate(1e-2, 1e-4, 7);
    assertEquals(
        List.of(1e-2, 1e-4, 7), List.of(lr.learningRate(), lr.minLearningRate(), lr.warmupSteps()));
    assertEquals(
        d.withSeed(5).withLimits(3, 4),
        lr.withLearningRate(1e-3, 1e-6, 50).withSeed(5).withLimits(3, 4));
  }

  @Test
  void trainingRaisesAccuracyAboveTheFirstStep() {
    LabelledImages train = LabelledImages.load(new SyntheticImages(192, 1, 28, 28, 2, 1), 0, 0);
    LabelledImages test = LabelledImages.load(new SyntheticImages(128, 1, 28, 28, 2, 2), 0, 0);
    FineTune ft = FineTune.fromScratch(VitConfig.test(), 2, CONFIG);
    double before = ft.accuracy(test);
    FineTuneResult r = ft.run(train, test);
    assertEquals(9, r.steps(), "3 epochs of 3 batches");
    assertEquals(9, r.history().size());
    double first = r.history().get(0).accuracy();
    double lastLoss = r.history().get(8).loss();
    // a fresh head guesses: the loss at step 1 is ~ln 2
    assertEquals(Math.log(2), r.history().get(0).loss(), 0.1, "first loss");
    assertTrue(lastLoss < 0.5, "last loss " + lastLoss);
    assertTrue(r.top1() > 0.9, "top-1 " + r.top1());
    assertTrue(
        r.top1() > Math.max(first, before) + 0.3,
        "top-1 " + r.top1() + " vs first " + first + ", before " + before);
    assertEquals(192, r.trainImages());
    assertEquals(128, r.testImages());
    assertEquals(r.top1(), ft.accuracy(test), 0);
  }

  @Test
  void twoReplicasTrainAsOne() {
    // 2 epochs of 61 images in batches of 25 (the last 11): uneven shards, 6 steps
    LabelledImages train = LabelledImages.load(new SyntheticImages(61, 1, 28, 28, 3, 5), 0, 0);
    LabelledImages test = LabelledImages.load(new SyntheticImages(40, 1, 28, 28, 3, 6), 0, 0);
    FineTuneConfig cfg = CONFIG.withEpochs(2).withBatchSize(25);
    FineTune one = FineTune.fromScratch(VitConfig.test(), 3, cfg.withReplicas(1));
    FineTune two = FineTune.fromScratch(VitConfig.test(), 3, cfg.withReplicas(2));
    assertEquals(1, one.replicas().size());
    assertEquals(2, two.replicas().size());
    FineTuneResult a = one.run(train, test);
    FineTuneResult b = two.run(train, test);
    assertEquals(6, b.steps());
    for (int i = 0; i < 6; i++) {
      assertEquals(a.history().get(i).loss(), b.history().get(i).loss(), 1e-4, "step " + i);
      assertEquals(a.history().get(i).accuracy(), b.history().get(i).accuracy(), 1e-9);
    }
    assertTrue(a.history().get(0).loss() - a.history().get(5).loss() > 0.05, "it trained");
    for (SDVariable v : one.model().sameDiff().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        double diff =
            v.getArr()
                .sub(two.model().sameDiff().getVariable(v.name()).getArr())
                .amaxNumber()
                .doubleValue();
        assertTrue(diff < 1e-4, v.name() + " differs by " + diff);
        assertEquals(
            two.model().sameDiff().getVariable(v.name()).getArr(),
            two.replicas().all().get(1).model().sameDiff().getVariable(v.name()).getArr(),
            v.name());
      }
    }
  }

  @Test
  void aLoadedBackboneKeepsItsEncoderAndGetsANewHead() throws IOException {
    VisionTransformer backbone = VisionTransformer.build(VitConfig.test(), 21);
    Path file = tmp.resolve("backbone.sd");
    backbone.save(file);
    FineTune ft = FineTune.fromBackbone(file, 3, CONFIG.withPool(Pool.CLS));
    VisionTransformer m = ft.model();
    assertEquals(3, m.numClasses());
    assertEquals(Pool.CLS, m.pool());
    int compared = 0;
    for (SDVariable v : backbone.sameDiff().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        assertArrayEquals(
            v.getArr().data().asFloat(),
            m.sameDiff().getVariable(v.name()).getArr().data().asFloat(),
            0f,
            v.name());
        compared++;
      }
    }
    assertEquals(36, compared, "every encoder parameter of the 2-block model");
    assertTrue(m.sameDiff().hasVariable("vit/head/w"));
    assertFalse(backbone.sameDiff().hasVariable("vit/head/w"), "the backbone is left unchanged");
  }

  @Test
  void badInputGivesClearMessages() {
    var e =
        assertThrows(
            org.beit4j.io.ArtefactException.class,
            () -> FineTune.fromBackbone(tmp.resolve("none.sd"), 3, CONFIG));
    assertTrue(e.getMessage().contains("none.sd"), e.getMessage());
    FineTune ft = FineTune.fromScratch(VitConfig.test(), 3, CONFIG);
    LabelledImages four = LabelledImages.load(new SyntheticImages(8, 1, 28, 28, 4, 1), 0, 0);
    IllegalArgumentException e2 =
        assertThrows(IllegalArgumentException.class, () -> ft.run(four, four));
    assertTrue(e2.getMessage().contains("4 classes but the head 3"), e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class, () -> CONFIG.withLayerDecay(0));
    assertTrue(e2.getMessage().contains("layerDecay"), e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class, () -> CONFIG.withLearningRate(1e-3, 1e-2, 0));
    assertTrue(e2.getMessage().contains("minLearningRate"), e2.getMessage());
  }
}
