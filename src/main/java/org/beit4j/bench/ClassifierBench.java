package org.beit4j.bench;

import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The ViT classifier's training step: {@link VisionTransformer#fit} (forward, backward and
 * SameDiff's Adam update) on one fixed batch.
 */
public record ClassifierBench(String name, String description, VitConfig config, int batch)
    implements StageBench {

  /** ViT 28/4 D192 L6 (issue 14's headline case) at batch 64. */
  public static ClassifierBench mnist() {
    return new ClassifierBench(
        "classifier",
        "ViT 28/4 D192 L6 classifier, VisionTransformer.fit (Adam)",
        VitConfig.mnist(),
        64);
  }

  /** ViT-Tiny 224/16 D192 L12 at batch 8 (issue 14's second case). */
  public static ClassifierBench tiny() {
    return new ClassifierBench(
        "classifier-tiny",
        "ViT-Tiny 224/16 D192 L12 classifier, VisionTransformer.fit (Adam)",
        VitConfig.tiny(),
        8);
  }

  @Override
  public double flopsPerStep() {
    return FlopCount.trainStep(FlopCount.classifier(config, BenchData.CLASSES), batch);
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    VisionTransformer vit =
        VisionTransformer.build(config, BenchData.SEED, BenchData.CLASSES).configureTraining(1e-4);
    INDArray images = BenchData.images(batch, config.channels(), config.imageSize());
    MultiDataSet data = new MultiDataSet(images, BenchData.labels(batch, BenchData.CLASSES));
    return Stopwatch.millis(warmup, runs, () -> vit.fit(data));
  }
}
