package org.beit4j.tokenizer;

import java.util.List;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.experiments.CodebookAblation;
import org.beit4j.teacher.Teacher;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Manual experiments (not a test): {@code java ... VqKdExperiment steps window lr codebookSize mode
 * codeDim [ablation]}, with the stand-in pixel teacher.
 */
public final class VqKdExperiment {
  public static void main(String[] a) {
    int steps = Integer.parseInt(a[0]);
    int window = Integer.parseInt(a[1]);
    double lr = Double.parseDouble(a[2]);
    int k = Integer.parseInt(a[3]);
    VqKdConfig.CodebookMode mode = VqKdConfig.CodebookMode.valueOf(a[4]);
    int d = Integer.parseInt(a[5]);
    VqKdConfig base = VqKdConfig.fashionMnist();
    VqKdConfig cfg =
        base.withRun(r -> r.withSteps(steps))
            .withLearningRate(lr)
            .withMode(mode)
            .withQuantizer(
                base.quantizer().withCodebookSize(k).withCodeDim(d).withDeadCodeWindow(window));
    Teacher teacher = PixelTeacher.fashion(cfg.teacherDim());
    FashionMnist trainSet = FashionMnist.load(FashionMnist.Split.TRAIN);
    FashionMnist testSet = FashionMnist.load(FashionMnist.Split.TEST);
    java.util.function.Supplier<MultiDataSetIterator> train =
        () ->
            ImageBatchIterator.of(
                trainSet,
                TransformConfig.plain(28, 1),
                LoaderConfig.of(cfg.run().batchSize()).withSeed(cfg.seed()));
    java.util.function.Supplier<MultiDataSetIterator> eval =
        () ->
            ImageBatchIterator.of(
                testSet,
                TransformConfig.plain(28, 1),
                LoaderConfig.of(250).withShuffle(false).withLimit(2000));
    if (a.length > 6) {
      CodebookAblation.runAndPrint(cfg, teacher, train, eval, System.out);
      return;
    }
    long t0 = System.nanoTime();
    VqKdTokenizer tok =
        VqKdTokenizer.train(cfg, teacher, train.get(), "fmnist", null, l -> System.out.println(l));
    VqKdTokenizer.Evaluation e = tok.evaluate(eval.get(), teacher);
    System.out.printf(
        "RESULT %s cos=%.4f %s total %.0f s%n",
        List.of(a), e.cosine(), e.health(), (System.nanoTime() - t0) / 1e9);
  }
}
