package org.beit4j.pretrain;

import org.beit4j.config.VitConfig;

/**
 * Everything that defines a BEiT v2 pretraining run (seed article section 1.3; paper section 3 and
 * appendix). Two runs with equal configs and equal data produce equal models.
 *
 * @param vit the backbone
 * @param codebookSize {@code |V|}, the MIM head's output width; must equal the tokenizer's
 * @param masking block-wise masking; its grid must be the backbone's
 * @param clsHead whether the [CLS] pretraining branch (section 1.3.2) is trained
 * @param clsHeadLayer {@code l}: the patch outputs of block {@code l} (1-based) feed the branch
 * @param clsHeadDepth number of extra blocks in the branch (2 in the paper)
 * @param learningRate peak learning rate after warm-up
 * @param minLearningRate final learning rate of the cosine decay
 * @param weightDecay AdamW's decoupled weight decay (0.05 in the paper)
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay (0.98 in BEiT v2)
 * @param epsilon Adam's epsilon
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps steps of the whole run (the cosine ends here)
 * @param clipNorm global gradient-norm clip (3.0 in BEiT v2), 0 = off
 * @param checkpointEvery steps between periodic checkpoints, 0 = only the final one
 * @param batchSize images per step (for provenance and the learning-rate note; the data decides)
 * @param seed seeds the initial parameters and the masks
 * @param replicas graph replicas that share each batch ({@link org.beit4j.train.Replicas}), 0 = the
 *     host's default; the result does not depend on it beyond float rounding
 */
public record PretrainConfig(
    VitConfig vit,
    int codebookSize,
    MaskingConfig masking,
    boolean clsHead,
    int clsHeadLayer,
    int clsHeadDepth,
    double learningRate,
    double minLearningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    int warmupSteps,
    int totalSteps,
    double clipNorm,
    int checkpointEvery,
    int batchSize,
    long seed,
    int replicas) {

  public PretrainConfig {
    if (vit == null || masking == null) {
      throw new IllegalArgumentException("vit and masking must be given");
    }
    if (codebookSize < 2) {
      throw new IllegalArgumentException("codebookSize must be >= 2 but was " + codebookSize);
    }
    if (masking.gridSize() != vit.gridSize()) {
      throw new IllegalArgumentException(
          "masking.gridSize "
              + masking.gridSize()
              + " differs from the backbone's patch grid "
              + vit.gridSize());
    }
    if (clsHeadLayer < 1 || clsHeadLayer > vit.depth()) {
      throw new IllegalArgumentException(
          "clsHeadLayer must be in [1, " + vit.depth() + "] but was " + clsHeadLayer);
    }
    if (clsHeadDepth < 1) {
      throw new IllegalArgumentException("clsHeadDepth must be >= 1 but was " + clsHeadDepth);
    }
    if (!(learningRate > 0) || !(minLearningRate >= 0) || minLearningRate > learningRate) {
      throw new IllegalArgumentException(
          "need 0 <= minLearningRate <= learningRate, learningRate > 0, but got learningRate="
              + learningRate
              + ", minLearningRate="
              + minLearningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0 but was " + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "beta1 and beta2 must be in [0, 1) but were " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0 but was " + epsilon);
    }
    if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "need totalSteps >= 1 and 0 <= warmupSteps <= totalSteps but got warmupSteps="
              + warmupSteps
              + ", totalSteps="
              + totalSteps);
    }
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 but was " + clipNorm);
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpointEvery must be >= 0 but was " + checkpointEvery);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0 (0 = auto) but was " + replicas);
    }
  }

  /**
   * The paper's recipe for a backbone: [CLS] head from block {@code 3/4 L} (9 of 12) with 2 extra
   * blocks, lr 1.5e-3 (BEiT v2 at batch 2048; scale it to yours), min lr 1e-5, weight decay 0.05,
   * betas (0.9, 0.98), eps 1e-8, clip 3.0, 10 warm-up epochs worth of steps ({@code totalSteps /
   * 30}), BEiT masking scaled to the grid.
   */
  public static PretrainConfig of(VitConfig vit, int codebookSize, int totalSteps, int batchSize) {
    int layer = Math.max(1, (int) Math.round(vit.depth() * 0.75));
    return new PretrainConfig(
        vit,
        codebookSize,
        MaskingConfig.forGrid(vit.gridSize()),
        true,
        layer,
        2,
        1.5e-3,
        1e-5,
        0.05,
        0.9,
        0.98,
        1e-8,
        Math.min(totalSteps, Math.max(0, totalSteps / 30)),
        totalSteps,
        3.0,
        0,
        batchSize,
        42,
        0);
  }

  public PretrainConfig withClsHead(boolean v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        v,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        checkpointEvery,
        batchSize,
        seed,
        replicas);
  }

  public PretrainConfig withClsHeadLayer(int v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        v,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        checkpointEvery,
        batchSize,
        seed,
        replicas);
  }

  public PretrainConfig withMasking(MaskingConfig v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        v,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        checkpointEvery,
        batchSize,
        seed,
        replicas);
  }

  /** A copy with a new learning-rate schedule. */
  public PretrainConfig withSchedule(double lr, double minLr, int warmup, int total) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        lr,
        minLr,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmup,
        total,
        clipNorm,
        checkpointEvery,
        batchSize,
        seed,
        replicas);
  }

  /** A copy with new AdamW settings. */
  public PretrainConfig withOptimizer(double wd, double b1, double b2, double eps, double clip) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        wd,
        b1,
        b2,
        eps,
        warmupSteps,
        totalSteps,
        clip,
        checkpointEvery,
        batchSize,
        seed,
        replicas);
  }

  public PretrainConfig withCheckpointEvery(int v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        v,
        batchSize,
        seed,
        replicas);
  }

  public PretrainConfig withSeed(long v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        checkpointEvery,
        batchSize,
        v,
        replicas);
  }

  /** A copy with {@code v} graph replicas (0 = the host's default). */
  public PretrainConfig withReplicas(int v) {
    return new PretrainConfig(
        vit,
        codebookSize,
        masking,
        clsHead,
        clsHeadLayer,
        clsHeadDepth,
        learningRate,
        minLearningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        warmupSteps,
        totalSteps,
        clipNorm,
        checkpointEvery,
        batchSize,
        seed,
        v);
  }
}
