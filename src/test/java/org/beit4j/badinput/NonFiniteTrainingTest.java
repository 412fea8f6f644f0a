package org.beit4j.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.pretrain.PretrainCheckpoint;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.adapter.SingletonMultiDataSetIterator;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A NaN or an infinity stops every trainer at once, naming the step, keeping the last good state.
 */
class NonFiniteTrainingTest {

  private static final SyntheticImages DATA = new SyntheticImages(64, 1, 28, 28, 10, 1);

  private static ImageBatchIterator loader(int batch) {
    return ImageBatchIterator.of(DATA, TransformConfig.plain(28, 1), LoaderConfig.of(batch));
  }

  @Test
  void pretrainingStopsAtTheNaNStepAndKeepsTheLastCheckpoint(@TempDir Path run) {
    PixelKMeansTokenizer pix =
        PixelKMeansTokenizer.load(ArtefactFixtures.root().resolve("pixel-tokenizer"));
    PretrainConfig cfg =
        PretrainConfig.of(VitConfig.test(), 16, 4, 8)
            .withClsHead(false)
            .withRun(
                r -> r.withCheckpointEvery(1).withSchedule(s -> new Schedule(2e-3, 1e-4, 1, 4)));
    Pretrainer trainer = Pretrainer.create(cfg, pix, run);
    trainer.train(loader(8), 2); // two good steps, checkpoints 1 and 2
    MultiDataSet good = loader(8).next();
    INDArray[] views = good.getFeatures().clone();
    views[0] = views[0].dup().assign(Float.NaN); // the ViT view of step 3 is NaN
    MultiDataSet poisoned = new org.nd4j.linalg.dataset.MultiDataSet(views, good.getLabels());
    NonFiniteException e =
        assertThrows(
            NonFiniteException.class,
            () -> trainer.train(new SingletonMultiDataSetIterator(poisoned), 4));
    assertEquals(3, e.step());
    assertEquals("gradient norm", e.quantity()); // the loss of NaN pixels stays finite in M2.1
    assertTrue(
        e.getMessage().startsWith("pretraining stopped at step 3: gradient norm is NaN"),
        e.getMessage());
    Path last = run.resolve(String.format("checkpoint-%08d", 2));
    assertEquals(2, PretrainCheckpoint.read(last, cfg).step(), "the last good checkpoint loads");
    assertFalse(Files.exists(run.resolve(String.format("checkpoint-%08d", 3))));
    assertFalse(Files.exists(run.resolve("final")));
  }

  @Test
  void vqKdTrainingStopsWhenTheTeacherGivesInfinity() {
    Teacher inf = // (NaN teacher features were seen to stay NaN-free in the losses of M2.1)
        new Teacher() {
          @Override
          public INDArray patchFeatures(INDArray images) {
            return Nd4j.zeros(DataType.FLOAT, images.size(0), 49, 8).addi(Float.POSITIVE_INFINITY);
          }

          @Override
          public int gridSize() {
            return 7;
          }

          @Override
          public int featureDim() {
            return 8;
          }

          @Override
          public String id() {
            return "inf-teacher";
          }
        };
    VqKdConfig vq = VqKdConfig.test().withTeacherDim(8).withRun(r -> r.withSteps(3));
    NonFiniteException e =
        assertThrows(
            NonFiniteException.class,
            () ->
                VqKdTokenizer.train(
                    vq, inf, loader(vq.run().batchSize()), "synthetic", null, null));
    assertTrue(e.step() <= 2, "step " + e.step());
    assertTrue(
        e.getMessage().contains("VQ-KD training stopped at step " + e.step()), e.getMessage());
  }

  @Test
  void theCheckNamesInfinityToo() {
    NonFiniteException e =
        assertThrows(
            NonFiniteException.class,
            () -> NonFiniteException.require("fine-tuning", 7, "loss", Double.POSITIVE_INFINITY));
    assertTrue(e.getMessage().startsWith("fine-tuning stopped at step 7: loss is Infinity"));
    NonFiniteException.require("fine-tuning", 8, "loss", 0.25); // finite: nothing happens
  }
}
