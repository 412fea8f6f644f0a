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
import org.beit4j.pipeline.Artefacts.TokenizerKind;
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
   * @param kind a VQ-KD tokenizer or the pixel k-means baseline
   * @param teacher the teacher to distil (VQ-KD only; null for pixel k-means)
   * @param config the tokenizer, e.g. {@code VqKdConfig.PRESETS.get(name)} with changes; its
   *     teacher width is replaced by the teacher's, and its {@code run.logEvery} is lowered to give
   *     at least four rows of history; pixel k-means takes its patch size, codebook size and seed
   * @param data {@code fashion-mnist} or an image folder
   * @param evalImages held-out images the final codebook health is measured on, 0 = all
   * @param kmeansImages images whose patches pixel k-means clusters
   * @param out the directory the tokenizer is saved to
   */
  public record Options(
      TokenizerKind kind,
      TeacherSource teacher,
      VqKdConfig config,
      String data,
      int evalImages,
      int kmeansImages,
      Path out) {

    /** Validates every field. */
    public Options {
      Checks.notNull("kind", kind);
      if (kind == TokenizerKind.VQKD && teacher == null) {
        throw new IllegalArgumentException(
            "a VQ-KD tokenizer needs a teacher: --teacher DIR, --onnx-teacher FILE or"
                + " --samediff-teacher FILE");
      }
      Checks.notNull("config", config);
      Checks.notBlank("data", data);
      Checks.nonNegative("evalImages", evalImages);
      if (kmeansImages < 1) {
        throw new IllegalArgumentException("kmeansImages must be >= 1, got " + kmeansImages);
      }
      Checks.notNull("out", out);
    }

    /** A VQ-KD tokenizer distilled from {@code teacher} on Fashion-MNIST (1,000 eval images). */
    public static Options vqkd(TeacherSource teacher, VqKdConfig config, Path out) {
      return new Options(
          TokenizerKind.VQKD, teacher, config, DataSource.FASHION_MNIST, 1_000, 1, out);
    }

    /**
     * The pixel k-means baseline of {@code config}'s patch size and codebook size on the patches of
     * {@code kmeansImages} Fashion-MNIST images (1,000 eval images).
     */
    public static Options pixelKMeans(VqKdConfig config, int kmeansImages, Path out) {
      return new Options(
          TokenizerKind.PIXEL_KMEANS,
          null,
          config,
          DataSource.FASHION_MNIST,
          1_000,
          kmeansImages,
          out);
    }

    public Options withEvalImages(int n) {
      return new Options(kind, teacher, config, data, n, kmeansImages, out);
    }

    public Options withData(String d) {
      return new Options(kind, teacher, config, d, evalImages, kmeansImages, out);
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
    boolean vqkd = o.kind() == TokenizerKind.VQKD;
    OutputDir.check(o.out(), vqkd ? estimateBytes(config) : pixelBytes(config), "the tokenizer");
    VitConfig enc = config.encoder();
    DataSource data = DataSource.open(o.data(), enc.channels());
    TransformConfig plain = TransformConfig.plain(enc.imageSize(), enc.channels());
    ImageBatchIterator eval =
        ImageBatchIterator.of(
            data.testOrTrain().first(o.evalImages()),
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
    ImageDataset subset = data.train().first(o.kmeansImages());
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
            config.seed());
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(tok.codebookSize());
    while (eval.hasNext()) {
      for (int[] row : tok.tokenize(eval.next().getFeatures(0))) {
        acc.add(row);
      }
    }
    tok.save(o.out());
    return new Result(o.out(), tok, acc.health(), Double.NaN, List.of(), 0);
  }

  /** The options' config with at least four rows of history (teacher width still the config's). */
  static VqKdConfig config(Options o) {
    VqKdConfig c = o.config();
    int logEvery = Math.min(c.run().logEvery(), Math.max(1, c.steps() / 4));
    return c.withRun(r -> r.withLogEvery(logEvery));
  }

  /** Writes the history atomically: {@link #METRICS_HEADER}, one row per log. */
  public static void writeMetrics(Path file, List<VqKdTokenizer.StepLog> history) {
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
