package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.beit4j.train.Replicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Data-parallel pretraining ({@link Replicas}) computes what one graph computes. */
class PretrainReplicasTest {

  @TempDir Path tmp;

  /** A batch of 5 (split 3 + 2) with random images, masks and codes. */
  private static PretrainModel.Batch batch(PretrainConfig cfg, int b) {
    int n = cfg.vit().numPatches();
    Nd4j.getRandom().setSeed(3);
    INDArray images = Nd4j.rand(DataType.FLOAT, b, 1, 28, 28); // [B, C, H, W]
    INDArray mask = new BlockMasking(cfg.masking(), 9).batch(0, b).castTo(DataType.FLOAT); // [B, N]
    Random r = new Random(4);
    int[][] codes = new int[b][n];
    for (int[] row : codes) {
      for (int i = 0; i < n; i++) {
        row[i] = r.nextInt(cfg.codebookSize());
      }
    }
    return new PretrainModel.Batch(images, mask, Nd4j.createFromArray(codes).castTo(DataType.INT));
  }

  @Test
  void twoReplicasGiveTheWholeBatchGradient() {
    PretrainConfig cfg = PretrainerTest.config(4, 0);
    PretrainModel.Batch b = batch(cfg, 5);
    PretrainModel one = PretrainModel.build(cfg, DataType.FLOAT);
    PretrainModel.Pass whole = one.fitPass(b);
    try (Replicas<PretrainModel> two =
        Replicas.create(
            2, r -> PretrainModel.build(cfg, DataType.FLOAT), PretrainModel::parameters)) {
      List<PretrainModel.Batch> shards = PretrainModel.split(b, 2);
      assertEquals(3, shards.get(0).images().size(0));
      assertEquals(2, shards.get(1).images().size(0));
      Replicas.Pass split = two.compute(shards, PretrainModel::replicaPass);
      assertEquals(b.mask().sumNumber().doubleValue(), split.weight(), 0);
      // the shards' losses differ, so an unweighted mean would be wrong
      List<Replicas.Pass> parts = two.map(shards, PretrainModel::replicaPass);
      assertNotEquals(parts.get(0).weight(), parts.get(1).weight());
      for (Map.Entry<String, INDArray> e : whole.gradients().entrySet()) {
        INDArray g = split.gradients().get(e.getKey());
        double rel =
            g.sub(e.getValue()).norm2Number().doubleValue()
                / e.getValue().norm2Number().doubleValue();
        assertTrue(rel < 1e-5, e.getKey() + ": relative difference " + rel);
      }
      for (Map.Entry<String, Double> e : whole.metrics().entrySet()) {
        assertEquals(e.getValue(), split.metrics().get(e.getKey()), 1e-5, e.getKey());
      }
      // the two threads computed the same as each shard on one graph alone
      PretrainModel.Pass first = one.fitPass(shards.get(0));
      assertEquals(first.metrics(), parts.get(0).metrics());
      for (String name : first.gradients().keySet()) {
        assertEquals(first.gradients().get(name), parts.get(0).gradients().get(name), name);
      }
    }
  }

  @Test
  void fiveStepsWithTwoReplicasMatchOne() {
    List<MultiDataSet> data = Synthetic.batches(5, 7, 28, 12);
    PretrainConfig cfg = PretrainerTest.config(5, 0);
    Pretrainer a =
        Pretrainer.create(cfg.withRun(r -> r.withReplicas(1)), PretrainerTest.tokenizer(), null);
    Pretrainer b =
        Pretrainer.create(cfg.withRun(r -> r.withReplicas(2)), PretrainerTest.tokenizer(), null);
    assertEquals(1, a.replicas().size());
    assertEquals(2, b.replicas().size());
    List<StepMetrics> ma = a.train(new Synthetic.ListIterator(data), 5);
    List<StepMetrics> mb = b.train(new Synthetic.ListIterator(data), 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(ma.get(i).loss(), mb.get(i).loss(), 1e-4, "loss at step " + (i + 1));
      assertEquals(ma.get(i).gradNorm(), mb.get(i).gradNorm(), 1e-4 * ma.get(i).gradNorm());
    }
    assertTrue(ma.get(0).loss() - ma.get(4).loss() > 0.01, "the steps changed the model");
    for (String name : a.model().parameterNames()) {
      INDArray pa = a.model().parameter(name);
      INDArray pb = b.model().parameter(name);
      double diff = pa.sub(pb).amaxNumber().doubleValue();
      assertTrue(diff < 1e-4, name + " differs by " + diff);
      // every replica holds the primary's parameters exactly
      assertEquals(pb, b.replicas().all().get(1).parameter(name), name);
    }
  }

  @Test
  void applyingShardPassesComputedElsewhereIsAStep() {
    List<MultiDataSet> data = Synthetic.batches(2, 6, 28, 8);
    PretrainConfig cfg = PretrainerTest.config(2, 0).withRun(r -> r.withReplicas(1));
    Pretrainer a = Pretrainer.create(cfg, PretrainerTest.tokenizer(), null);
    Pretrainer b = Pretrainer.create(cfg, PretrainerTest.tokenizer(), null);
    PretrainModel elsewhere = PretrainModel.build(cfg, DataType.FLOAT);
    for (int s = 0; s < 2; s++) {
      StepMetrics ma = a.step(data.get(s));
      // another graph, given b's parameters, computes the passes of two shards (as a worker would)
      b.model().parameters().forEach((name, v) -> elsewhere.parameter(name).assign(v));
      List<Replicas.Pass> parts =
          PretrainModel.split(b.prepare(data.get(s), s), 2).stream()
              .map(elsewhere::replicaPass)
              .toList();
      StepMetrics mb = b.apply(Replicas.combine(parts), 6, System.nanoTime());
      assertEquals(s + 1, b.stepsDone());
      assertEquals(ma.loss(), mb.loss(), 1e-5, "loss at step " + (s + 1));
      assertEquals(ma.gradNorm(), mb.gradNorm(), 1e-5 * ma.gradNorm());
    }
    for (String name : a.model().parameterNames()) {
      double diff =
          a.model().parameter(name).sub(b.model().parameter(name)).amaxNumber().doubleValue();
      assertTrue(diff < 1e-5, name + " differs by " + diff);
    }
  }

  @Test
  void resumeWithTwoReplicasIsBitExact() {
    List<MultiDataSet> data = Synthetic.batches(3, 6, 28, 5);
    PretrainConfig cfg = PretrainerTest.config(4, 2).withRun(r -> r.withReplicas(2));
    Pretrainer whole = Pretrainer.create(cfg, PretrainerTest.tokenizer(), tmp.resolve("a"));
    List<StepMetrics> ma = whole.train(new Synthetic.ListIterator(data), 4);
    Path b = tmp.resolve("b");
    Pretrainer.create(cfg, PretrainerTest.tokenizer(), b)
        .train(new Synthetic.ListIterator(data), 3);
    Pretrainer resumed =
        Pretrainer.resume(b.resolve("checkpoint-00000002"), cfg, PretrainerTest.tokenizer(), b);
    assertEquals(2, resumed.replicas().size());
    List<StepMetrics> mb = resumed.train(new Synthetic.ListIterator(data), 4);
    for (int i = 0; i < 2; i++) {
      assertEquals(ma.get(2 + i).loss(), mb.get(i).loss(), 0, "loss at step " + (3 + i));
      assertEquals(ma.get(2 + i).gradNorm(), mb.get(i).gradNorm(), 0);
    }
    for (String name : whole.model().parameterNames()) {
      assertEquals(whole.model().parameter(name), resumed.model().parameter(name), name);
    }
  }
}
