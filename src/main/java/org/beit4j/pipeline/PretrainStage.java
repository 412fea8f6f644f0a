package org.beit4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
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
import org.beit4j.train.RunConfig;
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
   * @param vit the backbone
   * @param clsHead whether the [CLS] pretraining branch is trained
   * @param clsHeadLayer the block {@code l} (1-based) whose patch outputs feed the [CLS] branch, 0
   *     = {@link PretrainConfig#of}'s {@code round(3/4 L)}; a warning is logged when {@code l + 2}
   *     is not below the depth ({@link PretrainConfig#clsHeadWarning})
   * @param run optimiser, schedule, steps, batch, checkpoints, seed ({@link
   *     PretrainConfig#defaultRun} is the paper's)
   * @param data {@code fashion-mnist} or an image folder
   * @param augment random resized crops and flips (else the plain images)
   * @param out the run directory
   * @param resume continue the newest checkpoint in {@code out}
   */
  public record Options(
      Path tokenizer,
      VitConfig vit,
      boolean clsHead,
      int clsHeadLayer,
      RunConfig run,
      String data,
      boolean augment,
      Path out,
      boolean resume) {

    /** Validates every field. */
    public Options {
      Checks.notNull("tokenizer", tokenizer);
      Checks.notNull("vit", vit);
      Checks.nonNegative("clsHeadLayer", clsHeadLayer);
      Checks.notNull("run", run);
      Checks.notBlank("data", data);
      Checks.notNull("out", out);
    }

    /**
     * A new run of {@code steps} steps of {@code batch} images with the paper's settings: [CLS]
     * head, {@link PretrainConfig#defaultRun}, Fashion-MNIST without augmentation.
     */
    public static Options of(Path tokenizer, VitConfig vit, int steps, int batch, Path out) {
      return new Options(
          tokenizer,
          vit,
          true,
          0,
          PretrainConfig.defaultRun(steps, batch),
          DataSource.FASHION_MNIST,
          false,
          out,
          false);
    }

    public Options withRun(UnaryOperator<RunConfig> change) {
      return new Options(
          tokenizer, vit, clsHead, clsHeadLayer, change.apply(run), data, augment, out, resume);
    }

    public Options withClsHead(boolean v) {
      return new Options(tokenizer, vit, v, clsHeadLayer, run, data, augment, out, resume);
    }

    /** A copy whose [CLS] branch reads block {@code v} (0 = the paper's {@code round(3/4 L)}). */
    public Options withClsHeadLayer(int v) {
      return new Options(tokenizer, vit, clsHead, v, run, data, augment, out, resume);
    }

    /** A copy that continues the run in {@code out} if it has a checkpoint. */
    public Options withResume(boolean v) {
      return new Options(tokenizer, vit, clsHead, clsHeadLayer, run, data, augment, out, v);
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
    log.info("pretraining in {}: step {} of {}", o.out(), trainer.stepsDone(), o.run().steps());
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
            data.train(),
            t,
            LoaderConfig.of(o.run().batchSize()).withSeed(o.run().seed()).withDropLast(true));
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
    RunConfig run = o.run();
    PretrainConfig c = PretrainConfig.of(o.vit(), codebookSize, run.steps(), run.batchSize());
    return c.withClsHead(o.clsHead())
        .withClsHeadLayer(o.clsHeadLayer() == 0 ? c.clsHeadLayer() : o.clsHeadLayer())
        .withRun(r -> run);
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
