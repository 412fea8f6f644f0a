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
 * @param syncEvery 1 = every step's gradients are combined into one AdamW step (exact); {@code N >
 *     1} = each worker takes {@code N} AdamW steps of its own on its shards, then the driver
 *     averages the parameters and optimiser moments (parameter averaging: not exact, see
 *     docs/scale-out.md)
 * @param treeFrom from this many workers on, a step's gradients are combined by {@code
 *     treeAggregate} ({@link Combiner}) instead of all on the driver
 */
public record SparkPretrainJob(
    PretrainConfig config,
    String data,
    String tokenizer,
    String out,
    boolean augment,
    int workers,
    boolean resume,
    long failAtStep,
    int syncEvery,
    int treeFrom) {

  /** The default {@link #treeFrom}. */
  public static final int TREE_FROM = 8;

  /** Validates every field; messages name the field and the value. */
  public SparkPretrainJob {
    if (config == null) {
      throw new IllegalArgumentException("config must be given");
    }
    JobChecks.paths(
        new String[] {"data", data},
        new String[] {"tokenizer", tokenizer},
        new String[] {"out", out});
    JobChecks.workers(workers, config.run().batchSize());
    JobChecks.atLeast("failAtStep", failAtStep, 0);
    JobChecks.atLeast("syncEvery", syncEvery, 1);
    JobChecks.atLeast("treeFrom", treeFrom, 1);
  }

  /** A fresh run without augmentation on 2 workers, exact per-step combination. */
  public static SparkPretrainJob of(
      PretrainConfig config, String data, String tokenizer, String out) {
    return new SparkPretrainJob(config, data, tokenizer, out, false, 2, false, 0, 1, TREE_FROM);
  }

  public SparkPretrainJob withWorkers(int k) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, augment, k, resume, failAtStep, syncEvery, treeFrom);
  }

  public SparkPretrainJob withAugment(boolean on) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, on, workers, resume, failAtStep, syncEvery, treeFrom);
  }

  public SparkPretrainJob withResume(boolean on) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, augment, workers, on, failAtStep, syncEvery, treeFrom);
  }

  public SparkPretrainJob withFailAtStep(long step) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, augment, workers, resume, step, syncEvery, treeFrom);
  }

  /** A copy that averages parameters every {@code n} local steps (1 = exact). */
  public SparkPretrainJob withSyncEvery(int n) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, augment, workers, resume, failAtStep, n, treeFrom);
  }

  /** A copy that combines gradients by {@code treeAggregate} from {@code k} workers on. */
  public SparkPretrainJob withTreeFrom(int k) {
    return new SparkPretrainJob(
        config, data, tokenizer, out, augment, workers, resume, failAtStep, syncEvery, k);
  }
}
