package org.beit4j.bench;

import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.eval.FeatureSource;
import org.beit4j.nn.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frozen feature extraction as the linear probe and k-NN run it: {@link FeatureSource#features} of
 * a mean-pooled ViT backbone on one chunk of {@link FeatureSource#DEFAULT_CHUNK} images (pixel
 * standardisation and the forward pass by {@code SameDiff.output}).
 */
public record FeatureBench(String name, String description, VitConfig config, int batch)
    implements StageBench {

  /** The demo's backbone, ViT 28/4 D96 L4 h3. */
  public static FeatureBench demo() {
    return new FeatureBench(
        "features",
        "frozen features, ViT 28/4 D96 L4 h3 mean-pooled, FeatureSource.features",
        MimBench.demo().config().vit(),
        FeatureSource.DEFAULT_CHUNK);
  }

  @Override
  public double flopsPerStep() {
    return batch * FlopCount.vitEncoder(config);
  }

  @Override
  public int defaultWarmup() {
    return 3;
  }

  @Override
  public int defaultRuns() {
    return 15;
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    VisionTransformer vit = VisionTransformer.build(config, BenchData.SEED);
    FeatureSource source =
        FeatureSource.vit(
            "bench", "", vit, VisionTransformer.Pool.MEAN, ChannelStats.FASHION_MNIST);
    INDArray images = BenchData.images(batch, config.channels(), config.imageSize());
    return Stopwatch.millis(warmup, runs, () -> source.features(images));
  }
}
