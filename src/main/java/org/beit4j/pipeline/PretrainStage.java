package org.beit4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.tokenizer.VisualTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, {@code bin/beit4j pretrain}: masked image modelling against a saved tokenizer, writing
 * the {@link Pretrainer} run directory ({@code metrics.csv}, {@code checkpoint-*}, {@code final},
 * {@code backbone/backbone.sd}); with {@code resume} it continues the newest checkpoint there.
 */
public final class PretrainStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(PretrainStage.class);

  /**
   * What to train.
   *
   * @param tokenizer directory of a VQ-KD or pixel k-means tokenizer
   * @param vit backbone preset ({@link VitConfig#mnist()} etc.)
   * @param depth blocks, 0 = the preset's
   * @param width token width, 0 = the preset's
   * @param heads attention heads, 0 = the preset's
   * @param steps optimiser steps of the whole run
   * @param batch images per step
   * @param clsHead whether the [CLS] pretraining branch is trained
   * @param clsHeadLayer the block {@code l} (1-based) whose patch outputs feed the [CLS] branch, 0
   *     = {@link PretrainConfig#of}'s {@code round(3/4 L)}; a warning is logged when {@code l + 2}
   *     is not below the depth ({@link PretrainConfig#clsHeadWarning})
   * @param learningRate peak learning rate, 0 = {@link PretrainConfig#of}'s 1.5e-3
   * @param checkpointEvery steps between checkpoints, 0 = only the final one
   * @param data {@code fashion-mnist} or an image folder
   * @param augment random resized crops and flips (else the plain images)
   * @param seed initial weights, masks, batch order
   * @param out the run directory
   * @param resume continue the newest checkpoint in {@code out}
   */
  public record Options(
      Path tokenizer,
      VitConfig vit,
      int depth,
      int width,
      int heads,
      int steps,
      int batch,
      boolean clsHead,
      int clsHeadLayer,
      double learningRate,
      int checkpointEvery,
      String data,
      boolean augment,
      long seed,
      Path out,
      boolean resume) {

    /** Validates every field. */
    public Options {
      Checks.notNull("tokenizer", tokenizer);
      Checks.notNull("vit", vit);
      Checks.nonNegative("depth", depth);
      Checks.nonNegative("width", width);
      Checks.nonNegative("heads", heads);
      Checks.nonNegative("clsHeadLayer", clsHeadLayer);
      if (steps < 1 || batch < 1) {
        throw new IllegalArgumentException(
            "steps and batch must be >= 1, got steps " + steps + ", batch " + batch);
      }
      if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException(
            "learningRate must be >= 0 (0 = default), got " + learningRate);
      }
      Checks.nonNegative("checkpointEvery", checkpointEvery);
      Checks.notBlank("data", data);
      Checks.notNull("out", out);
    }
  }

  /**
   * What the stage produced.
   *
   * @param stepsDone steps of the run done so far (all of them when it finished)
   * @param history metrics of the steps done by this call
   * @param backbone the exported backbone directory
   */
  public record Result(
      Path dir, long stepsDone, List<StepMetrics> history, Path backbone, double seconds) {}

  private PretrainStage() {}

  /**
   * Checks the tokenizer and the output directory, then trains (or resumes) to {@code steps}.
   *
   * @throws PipelineException when an artefact is missing, the run directory already holds a run
   *     (and {@code resume} is off), or a checkpoint was written for other settings
   */
  public static Result run(Options o) {
    long t0 = System.nanoTime();
    VisualTokenizer tok = Artefacts.tokenizer(o.tokenizer());
    PretrainConfig config = config(o, tok.codebookSize());
    OutputDir.check(o.out(), estimateBytes(config), "the pretraining run");
    Optional<Path> latest = RunLayout.latestCheckpoint(o.out());
    Pretrainer trainer;
    if (o.resume()) {
      Path ckpt =
          latest.orElseThrow(
              () ->
                  new PipelineException(
                      "--resume: no checkpoint in "
                          + o.out()
                          + " (no final/ or checkpoint-*/): run without --resume to start it"));
      trainer = resume(ckpt, config, tok, o.out());
    } else {
      if (latest.isPresent()) {
        throw new PipelineException(
            o.out()
                + " already holds a pretraining run ("
                + latest.get().getFileName()
                + "): pass --resume to continue it, or choose another --out (or delete "
                + o.out()
                + ")");
      }
      trainer = Pretrainer.create(config, tok, o.out());
    }
    List<StepMetrics> done = List.of();
    if (trainer.stepsDone() < config.totalSteps()) {
      done = train(trainer, o);
    }
    Path backbone = RunLayout.backbone(o.out());
    if (trainer.stepsDone() == config.totalSteps() && !Files.isDirectory(backbone)) {
      trainer.exportBackbone(backbone); // a run that stopped between final/ and backbone/
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.info("pretraining in {}: step {} of {}", o.out(), trainer.stepsDone(), o.steps());
    return new Result(o.out(), trainer.stepsDone(), done, backbone, seconds);
  }

  private static List<StepMetrics> train(Pretrainer trainer, Options o) {
    VitConfig v = trainer.config().vit();
    DataSource data = DataSource.open(o.data(), v.channels());
    TransformConfig t =
        o.augment()
            ? TransformConfig.augmented(v.imageSize(), v.channels())
            : TransformConfig.plain(v.imageSize(), v.channels());
    ImageBatchIterator it =
        ImageBatchIterator.of(
            data.train(), t, LoaderConfig.of(o.batch()).withSeed(o.seed()).withDropLast(true));
    trainer.data(data.description() + ", " + data.train().size() + " images");
    return trainer.train(it, trainer.config().totalSteps());
  }

  private static Pretrainer resume(
      Path ckpt, PretrainConfig config, VisualTokenizer tok, Path out) {
    try {
      return Pretrainer.resume(ckpt, config, tok, out);
    } catch (IllegalArgumentException e) {
      throw new PipelineException(
          "cannot resume: "
              + e.getMessage()
              + ". Resume with the flags of the original run, or start a new run with another"
              + " --out",
          e);
    }
  }

  /** The run's configuration from the options and the tokenizer's codebook size. */
  static PretrainConfig config(Options o, int codebookSize) {
    VitConfig p = o.vit();
    VitConfig vit =
        new VitConfig(
            p.imageSize(),
            p.patchSize(),
            p.channels(),
            o.width() == 0 ? p.width() : o.width(),
            o.depth() == 0 ? p.depth() : o.depth(),
            o.heads() == 0 ? p.heads() : o.heads(),
            p.mlpRatio(),
            p.qkvBias(),
            p.layerScaleInit(),
            p.absPosEmbed(),
            p.relPosBias(),
            p.dropPath());
    PretrainConfig c =
        PretrainConfig.of(vit, codebookSize, o.steps(), o.batch())
            .withClsHead(o.clsHead())
            .withClsHeadLayer(o.clsHeadLayer() == 0 ? layerOf(vit) : o.clsHeadLayer())
            .withRun(r -> r.withCheckpointEvery(o.checkpointEvery()).withSeed(o.seed()));
    if (o.learningRate() > 0) {
      c = c.withRun(r -> r.withSchedule(s -> s.withLearningRate(o.learningRate())));
    }
    return c;
  }

  /** {@link PretrainConfig#of}'s default [CLS] branch layer for {@code vit}. */
  private static int layerOf(VitConfig vit) {
    return PretrainConfig.of(vit, 2, 1, 1).clsHeadLayer();
  }

  /**
   * About how much disk the run takes: parameters with two Adam moments in up to four checkpoint
   * directories at once (two periodic, final, one being written) and the backbone twice.
   */
  static long estimateBytes(PretrainConfig c) {
    VitConfig v = c.vit();
    long backbone = OutputDir.vitParameters(v);
    long perBlock =
        OutputDir.vitParameters(v.withDepth(2)) - OutputDir.vitParameters(v.withDepth(1));
    long params = backbone + (long) v.width() * (c.codebookSize() + 1) + 2L * v.width();
    if (c.clsHead()) {
      params += c.clsHeadDepth() * perBlock;
    }
    return OutputDir.atomicBytes(6 * params + backbone);
  }
}
