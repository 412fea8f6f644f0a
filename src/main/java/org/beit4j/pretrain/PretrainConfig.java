package org.beit4j.pretrain;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.beit4j.config.VitConfig;
import org.beit4j.io.RecordProperties.Legacy;
import org.beit4j.train.Optimizer;
import org.beit4j.train.RunConfig;
import org.beit4j.train.Schedule;

/**
 * Everything that defines a BEiT v2 pretraining run (seed article section 1.3; paper section 3 and
 * appendix): the model (backbone, MIM head width, masking, [CLS] branch) and how it is trained
 * ({@code run}). Two runs with equal configs and equal data produce equal models.
 *
 * @param vit the backbone
 * @param codebookSize {@code |V|}, the MIM head's output width; must equal the tokenizer's
 * @param masking block-wise masking; its grid must be the backbone's
 * @param clsHead whether the [CLS] pretraining branch (section 1.3.2) is trained
 * @param clsHeadLayer {@code l}: the patch outputs of block {@code l} (1-based) feed the branch
 * @param clsHeadDepth number of extra blocks in the branch (2 in the paper)
 * @param run optimiser, schedule, batch size, checkpoints, the seed (which also seeds the initial
 *     parameters and the masks) and the graph replicas; MIM logs every step, so {@code
 *     run.logEvery()} is 1
 */
public record PretrainConfig(
    VitConfig vit,
    int codebookSize,
    MaskingConfig masking,
    boolean clsHead,
    int clsHeadLayer,
    int clsHeadDepth,
    RunConfig run) {

  /**
   * The flat layout of checkpoints written before the run settings moved into {@code run} (beit4j
   * up to commit cfc7c7d): {@code learningRate=...} instead of {@code
   * run.schedule.learningRate=...}; MIM logged every step.
   */
  public static final Legacy FLAT_LAYOUT =
      new Legacy(
          Map.ofEntries(
              Map.entry("learningRate", "run.schedule.learningRate"),
              Map.entry("minLearningRate", "run.schedule.minLearningRate"),
              Map.entry("warmupSteps", "run.schedule.warmupSteps"),
              Map.entry("totalSteps", "run.schedule.totalSteps"),
              Map.entry("weightDecay", "run.optimizer.weightDecay"),
              Map.entry("beta1", "run.optimizer.beta1"),
              Map.entry("beta2", "run.optimizer.beta2"),
              Map.entry("epsilon", "run.optimizer.epsilon"),
              Map.entry("clipNorm", "run.optimizer.clipNorm"),
              Map.entry("checkpointEvery", "run.checkpointEvery"),
              Map.entry("batchSize", "run.batchSize"),
              Map.entry("seed", "run.seed"),
              Map.entry("replicas", "run.replicas")),
          m -> Map.of("run.logEvery", "1", "run.replicas", "0"));

  /** Validates every field; messages name the field and the value. */
  public PretrainConfig {
    if (vit == null || masking == null || run == null) {
      throw new IllegalArgumentException("vit, masking and run must be given");
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
    if (run.logEvery() != 1) {
      throw new IllegalArgumentException(
          "run.logEvery must be 1 (MIM logs every step) but was " + run.logEvery());
    }
  }

  /**
   * The paper's recipe for a backbone: [CLS] head from block {@code 3/4 L} (9 of 12) with 2 extra
   * blocks, BEiT masking scaled to the grid, and {@link #defaultRun}.
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
        defaultRun(totalSteps, batchSize));
  }

  /**
   * The paper's run: lr 1.5e-3 (BEiT v2 at batch 2048; scale it to yours), min lr 1e-5, {@link
   * Optimizer#beit()}, 10 warm-up epochs worth of steps ({@code totalSteps / 30}), no periodic
   * checkpoints, seed 42, the host's replica count.
   */
  public static RunConfig defaultRun(int totalSteps, int batchSize) {
    Schedule schedule =
        new Schedule(1.5e-3, 1e-5, Math.min(totalSteps, Math.max(0, totalSteps / 30)), totalSteps);
    return new RunConfig(Optimizer.beit(), schedule, batchSize, 1, 0, 42, 0);
  }

  /**
   * Why this [CLS] branch may not make the [CLS] a bottleneck, or empty. The patch tokens reach the
   * branch's output through {@code l + clsHeadDepth} blocks against the backbone's {@code L}; the
   * paper's {@code 9 + 2 < 12} is shallower, so the last layer's [CLS] must carry what the early
   * patches lack. When {@code l + clsHeadDepth >= L} the branch is as deep as the backbone and the
   * [CLS] is not forced to summarise (issue #17). A warning, not an error: such runs are valid.
   */
  public Optional<String> clsHeadWarning() {
    int branch = clsHeadLayer + clsHeadDepth;
    if (!clsHead || branch < vit.depth()) {
      return Optional.empty();
    }
    return Optional.of(
        "the [CLS] branch reads block "
            + clsHeadLayer
            + " and adds "
            + clsHeadDepth
            + " blocks: "
            + branch
            + " blocks deep, not shallower than the "
            + vit.depth()
            + "-block backbone (the paper: 9 + 2 < 12), so the [CLS] head is no bottleneck;"
            + " choose clsHeadLayer < "
            + (vit.depth() - clsHeadDepth)
            + (vit.depth() - clsHeadDepth < 1 ? " (impossible at this depth: add blocks)" : ""));
  }

  /** The seed of the initial parameters and the masks ({@code run.seed()}). */
  public long seed() {
    return run.seed();
  }

  /** Steps of the whole run ({@code run.schedule().totalSteps()}). */
  public int totalSteps() {
    return run.steps();
  }

  public PretrainConfig withClsHead(boolean v) {
    return new PretrainConfig(vit, codebookSize, masking, v, clsHeadLayer, clsHeadDepth, run);
  }

  public PretrainConfig withClsHeadLayer(int v) {
    return new PretrainConfig(vit, codebookSize, masking, clsHead, v, clsHeadDepth, run);
  }

  public PretrainConfig withMasking(MaskingConfig v) {
    return new PretrainConfig(vit, codebookSize, v, clsHead, clsHeadLayer, clsHeadDepth, run);
  }

  /** A copy with a changed run, e.g. {@code withRun(r -> r.withSeed(7))}. */
  public PretrainConfig withRun(UnaryOperator<RunConfig> change) {
    return new PretrainConfig(
        vit, codebookSize, masking, clsHead, clsHeadLayer, clsHeadDepth, change.apply(run));
  }
}
