package org.beit4j.spark;

import org.beit4j.tokenizer.VqKdConfig;

/**
 * A VQ-KD tokenizer training run on Spark: what to train ({@code config}, the record {@code
 * bin/beit4j tokenizer} trains; its {@code run.replicas} is ignored and its teacher width is
 * replaced by the teacher's) and where the data, the teacher and the output live (Hadoop URIs or
 * local paths).
 *
 * @param config the tokenizer; {@code run.batchSize} images per step, split over {@code workers}
 *     tasks
 * @param data an image folder ({@code DIR/train/<class>/<image>} or {@code DIR/<class>/<image>}), a
 *     folder with Fashion-MNIST's IDX files, or {@code fashion-mnist} (Debian's package, local)
 * @param teacher a CNN teacher directory written by {@code bin/beit4j teacher}; every executor
 *     opens it and computes its shard's patch features
 * @param teacherNorm standardise the teacher's features per token (as {@code bin/beit4j tokenizer
 *     --teacher-norm})
 * @param out the tokenizer directory to write (refused if it holds one): loadable by {@code
 *     VqKdTokenizer.load} and {@code bin/beit4j pretrain --tokenizer}, with {@code metrics.csv}
 * @param workers tasks per step, each computing the gradients of {@code batchSize / workers} images
 * @param treeFrom from this many workers on, a step's gradients are combined by {@code
 *     treeAggregate} ({@link Combiner}) instead of all on the driver
 */
public record SparkTokenizerJob(
    VqKdConfig config,
    String data,
    String teacher,
    boolean teacherNorm,
    String out,
    int workers,
    int treeFrom) {

  /** Validates every field; messages name the field and the value. */
  public SparkTokenizerJob {
    if (config == null) {
      throw new IllegalArgumentException("config must be given");
    }
    JobChecks.paths(
        new String[] {"data", data}, new String[] {"teacher", teacher}, new String[] {"out", out});
    JobChecks.workers(workers, config.run().batchSize());
    JobChecks.atLeast("treeFrom", treeFrom, 1);
  }

  /** A run on 2 workers, raw teacher features. */
  public static SparkTokenizerJob of(VqKdConfig config, String data, String teacher, String out) {
    return new SparkTokenizerJob(config, data, teacher, false, out, 2, SparkPretrainJob.TREE_FROM);
  }

  public SparkTokenizerJob withWorkers(int k) {
    return new SparkTokenizerJob(config, data, teacher, teacherNorm, out, k, treeFrom);
  }

  public SparkTokenizerJob withTeacherNorm(boolean on) {
    return new SparkTokenizerJob(config, data, teacher, on, out, workers, treeFrom);
  }

  /** A copy that combines gradients by {@code treeAggregate} from {@code k} workers on. */
  public SparkTokenizerJob withTreeFrom(int k) {
    return new SparkTokenizerJob(config, data, teacher, teacherNorm, out, workers, k);
  }
}
