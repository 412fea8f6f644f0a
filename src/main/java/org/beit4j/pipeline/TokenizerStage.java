package org.beit4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.MetricsCsv;
import org.beit4j.io.RunLayout;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1, {@code bin/beit4j tokenizer}: trains a VQ-KD tokenizer against a frozen teacher, or fits
 * the pixel k-means baseline, saves it and, for VQ-KD, its training history as {@code metrics.csv}.
 */
public final class TokenizerStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(TokenizerStage.class);
  private static final int EVAL_BATCH = 250;
  private static final int KMEANS_ITERATIONS = 10;

  /** The values {@code --kind} accepts. */
  public static final List<String> KINDS = List.of("vqkd", "pixel-kmeans");

  /** Columns of {@code metrics.csv}: the step and the fields of {@link VqKdTokenizer.StepLog}. */
  public static final List<String> METRICS_HEADER =
      List.of(
          "step",
          "distill",
          "commitment",
          "cosine",
          "usedFraction",
          "perplexity",
          "reseeded",
          "msPerStep");

  /**
   * What to make.
   *
   * @param kind {@code vqkd} or {@code pixel-kmeans}
   * @param teacher the teacher to distil (VQ-KD only; null for pixel k-means)
   * @param preset the tokenizer preset, e.g. {@code VqKdConfig.PRESETS.get(name)}; for pixel
   *     k-means it gives the patch size and the codebook size
   * @param data {@code fashion-mnist} or an image folder
   * @param steps training steps, 0 = the preset's (VQ-KD only)
   * @param batch images per step, 0 = the preset's (VQ-KD only)
   * @param learningRate peak learning rate, 0 = the preset's (VQ-KD only)
   * @param codebookSize codes, 0 = the preset's
   * @param evalImages held-out images the final codebook health is measured on, 0 = all
   * @param kmeansImages images whose patches pixel k-means clusters
   * @param seed weights, codebook, batch order
   * @param out the directory the tokenizer is saved to
   */
  public record Options(
      String kind,
      TeacherSource teacher,
      VqKdConfig preset,
      String data,
      int steps,
      int batch,
      double learningRate,
      int codebookSize,
      int evalImages,
      int kmeansImages,
      long seed,
      Path out) {

    /** Validates every field. */
    public Options {
      Checks.check("kind", kind, KINDS);
      if ("vqkd".equals(kind) && teacher == null) {
        throw new IllegalArgumentException(
            "a VQ-KD tokenizer needs a teacher: --teacher DIR, --onnx-teacher FILE or"
                + " --samediff-teacher FILE");
      }
      Checks.notNull("preset", preset);
      Checks.notBlank("data", data);
      Checks.nonNegative("steps", steps);
      Checks.nonNegative("batch", batch);
      if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be >= 0, got " + learningRate);
      }
      Checks.nonNegative("codebookSize", codebookSize);
      Checks.nonNegative("evalImages", evalImages);
      if (kmeansImages < 1) {
        throw new IllegalArgumentException("kmeansImages must be >= 1, got " + kmeansImages);
      }
      Checks.notNull("out", out);
    }
  }

  /**
   * What the stage produced.
   *
   * @param health code usage on the held-out images
   * @param cosine mean cosine of the decoder output to the teacher there (NaN for pixel k-means)
   * @param history VQ-KD training logs (empty for pixel k-means)
   */
  public record Result(
      Path dir,
      VisualTokenizer tokenizer,
      CodebookHealth health,
      double cosine,
      List<VqKdTokenizer.StepLog> history,
      double seconds) {}

  private TokenizerStage() {}

  /**
   * Checks the output directory, trains or fits the tokenizer, evaluates it and saves it.
   *
   * @throws PipelineException when the output directory, the teacher or the data is not usable
   */
  public static Result run(Options o) {
    long t0 = System.nanoTime();
    VqKdConfig config = config(o);
    boolean vqkd = "vqkd".equals(o.kind());
    OutputDir.check(o.out(), vqkd ? estimateBytes(config) : pixelBytes(config), "the tokenizer");
    VitConfig enc = config.encoder();
    DataSource data = DataSource.open(o.data(), enc.channels());
    TransformConfig plain = TransformConfig.plain(enc.imageSize(), enc.channels());
    ImageBatchIterator eval =
        ImageBatchIterator.of(
            FirstImages.of(data.testOrTrain(), o.evalImages()),
            plain,
            LoaderConfig.of(EVAL_BATCH).withShuffle(false));
    Result r = vqkd ? vqkd(o, config, data, plain, eval) : pixel(o, config, data, plain, eval);
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.info("tokenizer saved to {} ({} s): {}", o.out(), Math.round(seconds), r.health());
    return new Result(r.dir(), r.tokenizer(), r.health(), r.cosine(), r.history(), seconds);
  }

  private static Result vqkd(
      Options o, VqKdConfig preset, DataSource data, TransformConfig t, ImageBatchIterator eval) {
    try (Teacher teacher = o.teacher().open(preset.gridSize())) {
      VqKdConfig config = preset.withTeacherDim(teacher.featureDim());
      ImageBatchIterator train =
          ImageBatchIterator.of(
              data.train(), t, LoaderConfig.of(config.run().batchSize()).withSeed(config.seed()));
      VqKdTokenizer tok = VqKdTokenizer.train(config, teacher, train, data.description());
      VqKdTokenizer.Evaluation e = tok.evaluate(eval, teacher);
      tok.save(o.out());
      writeMetrics(RunLayout.metrics(o.out()), tok.history());
      return new Result(o.out(), tok, e.health(), e.cosine(), tok.history(), 0);
    }
  }

  private static Result pixel(
      Options o, VqKdConfig config, DataSource data, TransformConfig t, ImageBatchIterator eval) {
    ImageDataset subset = FirstImages.of(data.train(), o.kmeansImages());
    ImageBatchIterator it =
        ImageBatchIterator.of(subset, t, LoaderConfig.of(EVAL_BATCH).withShuffle(false));
    List<INDArray> batches = new ArrayList<>();
    while (it.hasNext()) {
      batches.add(it.next().getFeatures(0));
    }
    INDArray images = Nd4j.concat(0, batches.toArray(new INDArray[0])); // [B, C, H, W]
    PixelKMeansTokenizer tok =
        PixelKMeansTokenizer.fit(
            images,
            config.encoder().patchSize(),
            config.quantizer().codebookSize(),
            false,
            KMEANS_ITERATIONS,
            o.seed());
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(tok.codebookSize());
    while (eval.hasNext()) {
      for (int[] row : tok.tokenize(eval.next().getFeatures(0))) {
        acc.add(row);
      }
    }
    tok.save(o.out());
    return new Result(o.out(), tok, acc.health(), Double.NaN, List.of(), 0);
  }

  /** The preset with the options applied (teacher width still the preset's). */
  static VqKdConfig config(Options o) {
    VqKdConfig c = o.preset();
    if (o.steps() > 0) {
      c = c.withRun(r -> r.withSteps(o.steps()));
    }
    if (o.batch() > 0) {
      c = c.withRun(r -> r.withBatchSize(o.batch()));
    }
    if (o.learningRate() > 0) {
      c = c.withLearningRate(o.learningRate());
    }
    if (o.codebookSize() > 0) {
      c = c.withQuantizer(c.quantizer().withCodebookSize(o.codebookSize()));
    }
    // at least four rows of history however short the run
    int logEvery = Math.min(c.run().logEvery(), Math.max(1, c.steps() / 4));
    return c.withRun(r -> r.withLogEvery(logEvery).withSeed(o.seed()));
  }

  /** Writes the history atomically: {@link #METRICS_HEADER}, one row per log. */
  static void writeMetrics(Path file, List<VqKdTokenizer.StepLog> history) {
    AtomicFiles.write(
        file,
        tmp -> {
          try (MetricsCsv csv = MetricsCsv.open(tmp, METRICS_HEADER, 0)) {
            for (VqKdTokenizer.StepLog s : history) {
              csv.row(
                  s.step(),
                  s.distill(),
                  s.commitment(),
                  s.cosine(),
                  s.usedFraction(),
                  s.perplexity(),
                  s.reseeded(),
                  s.msPerStep());
            }
          }
        });
  }

  /**
   * About how much disk a saved VQ-KD tokenizer takes: encoder and decoder ViTs, the heads to and
   * from the code space, the codebook with its EMA state, written atomically.
   */
  public static long estimateBytes(VqKdConfig c) {
    long floats = OutputDir.vitParameters(c.encoder()) + OutputDir.vitParameters(c.decoder());
    long d = c.quantizer().codeDim();
    floats += 2L * c.encoder().width() * c.encoder().width() + c.encoder().width() * d;
    floats += 2L * c.decoderWidth() * c.teacherDim() + d * c.decoderWidth();
    floats += 3L * c.quantizer().codebookSize() * d;
    return OutputDir.atomicBytes(floats);
  }

  private static long pixelBytes(VqKdConfig c) {
    return OutputDir.atomicBytes((long) c.quantizer().codebookSize() * c.encoder().patchDim());
  }
}
