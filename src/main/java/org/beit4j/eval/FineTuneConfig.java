package org.beit4j.eval;

import java.util.function.Consumer;
import org.beit4j.data.ChannelStats;
import org.beit4j.nn.VisionTransformer;

/**
 * Settings of a {@link FineTune} run: AdamW with warm-up and cosine decay, BEiT's weight-decay rule
 * and layer-wise learning-rate decay.
 *
 * @param epochs passes over the training images
 * @param batchSize images per step
 * @param learningRate peak rate after warm-up
 * @param minLearningRate floor of the cosine, {@code <= learningRate}
 * @param warmupSteps linear warm-up steps (capped at the run's total steps)
 * @param weightDecay decoupled weight decay (not on biases, norms, [CLS], positions)
 * @param layerDecay layer-wise rate decay in (0, 1], 1 = off (see {@link LayerDecay})
 * @param pool what the new head reads: the [CLS] token or the mean of the patch tokens
 * @param seed seeds the head's initialisation, the shuffling and the subsets
 * @param trainLimit training images used (seeded subset), 0 = all
 * @param testLimit held-out images scored (seeded subset), 0 = all
 * @param normalization the standardisation the backbone was trained with, null = raw [0, 1]
 * @param replicas graph replicas that share each batch ({@link org.beit4j.train.Replicas}), 0 = the
 *     JVM's default; the result does not depend on it beyond float rounding
 */
public record FineTuneConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double minLearningRate,
    int warmupSteps,
    double weightDecay,
    double layerDecay,
    VisionTransformer.Pool pool,
    long seed,
    int trainLimit,
    int testLimit,
    ChannelStats normalization,
    int replicas) {

  /** Validates every field. */
  public FineTuneConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
      throw new IllegalArgumentException(
          "minLearningRate must be in [0, learningRate="
              + learningRate
              + "], got "
              + minLearningRate);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }
    if (!(layerDecay > 0 && layerDecay <= 1)) {
      throw new IllegalArgumentException(
          "layerDecay must be in (0, 1] (1 = off), got " + layerDecay);
    }
    if (pool == null) {
      throw new IllegalArgumentException("pool must be CLS or MEAN, got null");
    }
    if (trainLimit < 0) {
      throw new IllegalArgumentException("trainLimit must be >= 0 (0 = all), got " + trainLimit);
    }
    if (testLimit < 0) {
      throw new IllegalArgumentException("testLimit must be >= 0 (0 = all), got " + testLimit);
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0 (0 = auto), got " + replicas);
    }
  }

  /**
   * 1 epoch, batch 64, lr 1e-3 to 1e-6 after 50 warm-up steps, weight decay 0.05, layer decay 0.75,
   * mean pooling (BEiT's fine-tuning head), seed 0, 10000 / 2000 images, raw pixels.
   */
  public static FineTuneConfig defaults() {
    return new FineTuneConfig(
        1, 64, 1e-3, 1e-6, 50, 0.05, 0.75, VisionTransformer.Pool.MEAN, 0, 10_000, 2_000, null, 0);
  }

  /** A copy with this many epochs. */
  public FineTuneConfig withEpochs(int e) {
    return edit(d -> d.epochs = e);
  }

  /** A copy with this batch size. */
  public FineTuneConfig withBatchSize(int b) {
    return edit(d -> d.batchSize = b);
  }

  /** A copy with this peak rate, floor and warm-up. */
  public FineTuneConfig withLearningRate(double peak, double floor, int warmup) {
    return edit(
        d -> {
          d.learningRate = peak;
          d.minLearningRate = floor;
          d.warmupSteps = warmup;
        });
  }

  /** A copy with this layer-wise decay (1 = off). */
  public FineTuneConfig withLayerDecay(double v) {
    return edit(d -> d.layerDecay = v);
  }

  /** A copy with this weight decay. */
  public FineTuneConfig withWeightDecay(double v) {
    return edit(d -> d.weightDecay = v);
  }

  /** A copy with this pooling. */
  public FineTuneConfig withPool(VisionTransformer.Pool v) {
    return edit(d -> d.pool = v);
  }

  /** A copy with this seed. */
  public FineTuneConfig withSeed(long v) {
    return edit(d -> d.seed = v);
  }

  /** A copy with these image limits (0 = all). */
  public FineTuneConfig withLimits(int train, int test) {
    return edit(
        d -> {
          d.trainLimit = train;
          d.testLimit = test;
        });
  }

  /** A copy with this input normalisation (null = raw [0, 1] pixels). */
  public FineTuneConfig withNormalization(ChannelStats v) {
    return edit(d -> d.normalization = v);
  }

  /** A copy with this many replicas (0 = the host's default). */
  public FineTuneConfig withReplicas(int v) {
    return edit(d -> d.replicas = v);
  }

  /** The fields as mutable values, so that each copy names only what it changes. */
  private static final class Draft {
    int epochs;
    int batchSize;
    double learningRate;
    double minLearningRate;
    int warmupSteps;
    double weightDecay;
    double layerDecay;
    VisionTransformer.Pool pool;
    long seed;
    int trainLimit;
    int testLimit;
    ChannelStats normalization;
    int replicas;
  }

  /** A copy with {@code change} applied to a draft of the fields (then validated). */
  private FineTuneConfig edit(Consumer<Draft> change) {
    Draft d = new Draft();
    d.epochs = epochs;
    d.batchSize = batchSize;
    d.learningRate = learningRate;
    d.minLearningRate = minLearningRate;
    d.warmupSteps = warmupSteps;
    d.weightDecay = weightDecay;
    d.layerDecay = layerDecay;
    d.pool = pool;
    d.seed = seed;
    d.trainLimit = trainLimit;
    d.testLimit = testLimit;
    d.normalization = normalization;
    d.replicas = replicas;
    change.accept(d);
    return new FineTuneConfig(
        d.epochs,
        d.batchSize,
        d.learningRate,
        d.minLearningRate,
        d.warmupSteps,
        d.weightDecay,
        d.layerDecay,
        d.pool,
        d.seed,
        d.trainLimit,
        d.testLimit,
        d.normalization,
        d.replicas);
  }
}
