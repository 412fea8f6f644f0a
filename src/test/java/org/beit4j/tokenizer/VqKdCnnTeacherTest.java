package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.beit4j.Beit4j;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The small-data preset with the built-in CNN teacher: after 60 steps of 64 Fashion-MNIST images at
 * least 90% of the 512 codes are used on 1000 held-out images and the distillation loss has fallen.
 * To keep CI short the teacher is trained on 4000 images for one epoch (kept in {@code
 * target/teacher-cache/fashion-mnist-4k} and reused); the figures with a stronger teacher are in
 * docs/tokenizer.md.
 */
class VqKdCnnTeacherTest {

  private static final Path CACHE = Path.of("target", "teacher-cache", "fashion-mnist-4k");

  @Test
  void presetKeepsNinetyPercentOfCodesWithTheBuiltInTeacher() {
    Beit4j.init();
    FashionMnist trainSet = FashionMnist.load(FashionMnist.Split.TRAIN);
    FashionMnist testSet = FashionMnist.load(FashionMnist.Split.TEST);
    CnnTeacher teacher =
        CnnTeacher.trainOrLoad(
            CACHE,
            CnnTeacherConfig.fashionMnist().withEpochs(1).withTrainLimit(4000),
            trainSet,
            testSet);
    VqKdConfig cfg =
        VqKdConfig.fashionMnist()
            .withRun(r -> r.withSteps(60))
            .withTeacherDim(teacher.featureDim());
    ImageBatchIterator train =
        ImageBatchIterator.of(
            trainSet,
            TransformConfig.plain(28, 1),
            LoaderConfig.of(cfg.run().batchSize()).withSeed(cfg.seed()));
    ImageBatchIterator test =
        ImageBatchIterator.of(
            testSet,
            TransformConfig.plain(28, 1),
            LoaderConfig.of(250).withShuffle(false).withLimit(1000));
    VqKdTokenizer tok = VqKdTokenizer.train(cfg, teacher, train, "fashion-mnist", null, null);
    VqKdTokenizer.Evaluation e = tok.evaluate(test, teacher);
    LoggerFactory.getLogger(getClass())
        .info(
            "CNN teacher (accuracy {}): after 60 steps cos {} {}",
            teacher.testAccuracy(),
            e.cosine(),
            e.health());
    VqKdTokenizer.StepLog first = tok.history().get(0);
    VqKdTokenizer.StepLog last = tok.history().get(tok.history().size() - 1);
    assertTrue(last.distill() < 0.8 * first.distill(), first + " -> " + last);
    assertTrue(e.health().usedFraction() >= 0.9, "codebook usage " + e.health());
    assertTrue(e.health().perplexity() > 100, "perplexity " + e.health());
  }
}
