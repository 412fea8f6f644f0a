package org.beit4j.spark;

import org.beit4j.pretrain.PretrainConfig;

/**
 * A pretraining run on Spark: what to train ({@code config}, the same record a single-process
 * {@link org.beit4j.pretrain.Pretrainer} takes; its {@code run.replicas} is ignored) and where the
 * data, the tokenizer and the outputs live (Hadoop URIs or local paths).
 *
 * @param config the pretraining run; {@code run.batchSize} images per step, split over {@code
 *     workers} tasks
 * @param data an image folder ({@code DIR/train/<class>/<image>} or {@code DIR/<class>/<image>}), a
 *     folder with Fashion-MNIST's IDX files, or {@code fashion-mnist} (Debian's package, local)
 * @param tokenizer a VQ-KD or pixel k-means tokenizer directory written by {@code bin/beit4j
 *     tokenizer}
 * @param out the run directory: {@code metrics.csv}, {@code checkpoint-<step>}, {@code final},
 *     {@code backbone} (loadable by {@code bin/beit4j probe --backbone})
 * @param augment random resized crops and flips (as {@code bin/beit4j pretrain --augment})
 * @param workers tasks per step, each computing the gradients of {@code batchSize / workers}
 *     images; the result equals a one-process run within float rounding whatever the count
 * @param resume continue the newest checkpoint in {@code out}; without it a run that already has a
 *     checkpoint there is refused
 * @param failAtStep fault injection for tests: the tasks of this 1-based step throw (0 = never)
 */
public record SparkPretrainJob(
    PretrainConfig config,
    String data,
    String tokenizer,
    String out,
    boolean augment,
    int workers,
    boolean resume,
    long failAtStep) {

  /** Validates every field; messages name the field and the value. */
  public SparkPretrainJob {
    if (config == null) {
      throw new IllegalArgumentException("config must be given");
    }
    for (String[] f : new String[][] {{"data", data}, {"tokenizer", tokenizer}, {"out", out}}) {
      if (f[1] == null || f[1].isBlank()) {
        throw new IllegalArgumentException(
            f[0] + " must name a path or URI but was '" + f[1] + "'");
      }
    }
    if (workers < 1 || workers > config.run().batchSize()) {
      throw new IllegalArgumentException(
          "workers must be in [1, batchSize = "
              + config.run().batchSize()
              + "] but was "
              + workers);
    }
    if (failAtStep < 0) {
      throw new IllegalArgumentException("failAtStep must be >= 0 but was " + failAtStep);
    }
  }

  /** A fresh run without augmentation on 2 workers. */
  public static SparkPretrainJob of(
      PretrainConfig config, String data, String tokenizer, String out) {
    return new SparkPretrainJob(config, data, tokenizer, out, false, 2, false, 0);
  }

  public SparkPretrainJob withWorkers(int k) {
    return new SparkPretrainJob(config, data, tokenizer, out, augment, k, resume, failAtStep);
  }

  public SparkPretrainJob withAugment(boolean on) {
    return new SparkPretrainJob(config, data, tokenizer, out, on, workers, resume, failAtStep);
  }

  public SparkPretrainJob withResume(boolean on) {
    return new SparkPretrainJob(config, data, tokenizer, out, augment, workers, on, failAtStep);
  }

  public SparkPretrainJob withFailAtStep(long step) {
    return new SparkPretrainJob(config, data, tokenizer, out, augment, workers, resume, step);
  }
}
