package org.beit4j.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.Image;
import org.beit4j.data.ImageDataset;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.BlockMasking;
import org.beit4j.pretrain.MimPredictions;
import org.beit4j.pretrain.PretrainModel;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.viz.Charts;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a demo run directory ({@code runs/<timestamp>/}: teacher, tokenizer, pixel-tokenizer,
 * pretrain, pretrain-pixel, eval) into {@code report/report.md} with PNG figures beside it: what
 * the teacher is, how the tokenizer trained and uses its codebook, token maps, the pretraining
 * curves, masked patches with the model's predicted tokens, the results table and wall times.
 *
 * <p>Every figure whose inputs exist is drawn; a missing or damaged input leaves a line in the
 * report saying what is missing instead, so a partial run gets a partial report. The folder is
 * written atomically (a reader sees the old report or the new one).
 *
 * <pre>{@code
 * RunReport.Result r = RunReport.write(Path.of("runs/20261128-101500"));
 * }</pre>
 */
public final class RunReport {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(RunReport.class);

  /** The report's folder inside the run directory and its Markdown file. */
  public static final String FOLDER = RunLayout.REPORT;

  private static final String TOKENIZER_METRICS = RunLayout.TOKENIZER + "/" + RunLayout.METRICS;
  private static final String PRETRAIN_FINAL = RunLayout.PRETRAIN + "/" + RunLayout.FINAL;
  private static final String PRETRAIN_PIXEL_FINAL =
      RunLayout.PRETRAIN_PIXEL + "/" + RunLayout.FINAL;

  public static final String FILE = "report.md";

  /** What {@link #write} produced: the Markdown file, the PNG names, the notes on what is not. */
  public record Result(Path markdown, List<String> figures, List<String> skipped) {}

  private final Path run;
  private final ReportOptions options;
  private final ReportDocument doc;
  private ImageDataset images;
  private String noImages;

  private RunReport(Path run, ReportOptions options, ReportDocument doc) {
    this.run = run;
    this.options = options;
    this.doc = doc;
  }

  /** {@link #write(Path, ReportOptions)} with {@link ReportOptions#defaults()}. */
  public static Result write(Path runDir) {
    return write(runDir, ReportOptions.defaults());
  }

  /**
   * Writes {@code runDir/report/} (replacing an older one).
   *
   * @throws IllegalArgumentException if {@code runDir} is not a directory
   * @throws java.io.UncheckedIOException if the report folder cannot be written
   */
  public static Result write(Path runDir, ReportOptions options) {
    if (!Files.isDirectory(runDir)) {
      throw new IllegalArgumentException(
          "No run directory at "
              + runDir.toAbsolutePath()
              + ": give the runs/<timestamp> folder written by bin/beit4j demo");
    }
    long start = System.nanoTime();
    Path folder = runDir.resolve(FOLDER).toAbsolutePath();
    ReportDocument[] done = new ReportDocument[1];
    AtomicFiles.write(
        folder,
        tmp -> {
          Files.createDirectories(tmp);
          ReportDocument doc = new ReportDocument(runDir, tmp);
          new RunReport(runDir, options, doc).build();
          Files.writeString(tmp.resolve(FILE), doc.markdown(), StandardCharsets.UTF_8);
          done[0] = doc;
        });
    log.info(
        "report: {} with {} figures, {} sections skipped, in {} s",
        folder.resolve(FILE),
        done[0].figures().size(),
        done[0].skipped().size(),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    return new Result(folder.resolve(FILE), done[0].figures(), done[0].skipped());
  }

  private void build() throws IOException {
    doc.heading(1, "BEiT v2 run report: " + run.toAbsolutePath().normalize().getFileName());
    doc.paragraph(
        "Stages: teacher -> VQ-KD visual tokenizer -> masked image modelling -> evaluation"
            + " (seed article sections 1.2-1.3). Report written "
            + Instant.now()
            + ".");
    stages();
    RunSections.teacher(run, doc);
    tokenizer();
    pretraining();
    RunSections.results(run, doc);
    RunSections.stageProbes(run, doc);
    RunSections.wallTimes(run, doc);
  }

  private void stages() {
    doc.line("| stage | folder | present |").line("| --- | --- | --- |");
    String[][] stages = {
      {"teacher", RunLayout.TEACHER},
      {"VQ-KD tokenizer", RunLayout.TOKENIZER},
      {"pixel k-means tokenizer", RunLayout.PIXEL_TOKENIZER},
      {"pretraining (VQ-KD targets)", RunLayout.PRETRAIN},
      {"pretraining (pixel targets)", RunLayout.PRETRAIN_PIXEL},
      {"evaluation", RunLayout.EVAL}
    };
    for (String[] s : stages) {
      boolean present = Files.isDirectory(run.resolve(s[1]));
      doc.line("| " + s[0] + " | `" + s[1] + "/` | " + (present ? "yes" : "**missing**") + " |");
    }
    doc.line("");
  }

  private void tokenizer() {
    doc.heading(2, "VQ-KD tokenizer");
    RunSections.provenance(run, doc, RunLayout.TOKENIZER);
    if (doc.require("Tokenizer training curves", TOKENIZER_METRICS)) {
      doc.figure(
          "tokenizer-curves.png",
          "Tokenizer training: distillation loss, cosine to the teacher, codes used, perplexity",
          () -> CurveFigures.tokenizerCurves(MetricsTable.read(run.resolve(TOKENIZER_METRICS))));
    }
    VqKdTokenizer tok = vqkd("Codebook usage and token maps");
    if (tok == null) {
      return;
    }
    int size = tok.config().encoder().imageSize();
    int channels = tok.config().encoder().channels();
    ImageDataset data = images("Codebook usage and token maps", channels, size, "the tokenizer");
    if (data == null) {
      return;
    }
    int n = Math.min(options.usageImages(), data.size());
    CodebookHealth[] health = new CodebookHealth[1];
    if (doc.figure(
        "codebook-usage.png",
        "Codebook usage over " + n + " images, codes sorted by use",
        () -> {
          health[0] = ReportImages.usage(tok, data, n);
          return Charts.toImage(CurveFigures.codebookUsage(health[0], n), 900, 400);
        })) {
      CodebookHealth h = health[0];
      doc.paragraph(
          String.format(
              Locale.ROOT,
              "Over %,d images (%s): %d of %d codes used (%.1f%%), %d dead, perplexity %.1f"
                  + " (K = %d for perfectly even use). A healthy codebook uses most codes"
                  + " (seed article section 1.2.4 on codebook collapse).",
              n,
              data.source(),
              h.codebookSize() - h.deadCodes(),
              h.codebookSize(),
              100 * h.usedFraction(),
              h.deadCodes(),
              h.perplexity(),
              h.codebookSize()));
    }
    List<Image> ex = ReportImages.examples(data, options.examples());
    doc.figure(
        "token-maps.png",
        "Images tinted by their visual tokens, and the token grids",
        () ->
            TokenFigures.tokenMaps(
                ex, tok.tokenize(ReportImages.batch(ex)), tok.gridSize(), 16, 2));
    doc.paragraph(
        "Each colour is one code (the same colour in every figure): patches the tokenizer gives"
            + " one code should look alike to the teacher.");
  }

  private void pretraining() {
    doc.heading(2, "Masked image modelling");
    Map<String, MetricsTable> runs = new LinkedHashMap<>();
    String[][] dirs = {
      {RunLayout.PRETRAIN, "VQ-KD targets"},
      {RunLayout.PRETRAIN_PIXEL, "pixel k-means targets"}
    };
    for (String[] d : dirs) {
      if (doc.require("Pretraining curves of `" + d[0] + "`", d[0] + "/" + RunLayout.METRICS)) {
        try {
          MetricsTable t = MetricsTable.read(RunLayout.metrics(run.resolve(d[0])));
          for (String c : List.of("step", "mimLoss", "clsLoss", "mimAcc", "clsAcc")) {
            if (t.has(c)) {
              t.numbers(c); // every cell the figures and the table use must parse
            }
          }
          runs.put(d[1], t);
        } catch (RuntimeException e) {
          doc.skip("Pretraining curves of `" + d[0] + "`", ReportDocument.message(e));
        }
      }
    }
    if (!runs.isEmpty()) {
      doc.figure(
          "pretrain-loss.png",
          "Pretraining losses on the masked patches (eq. 5)",
          () -> Charts.toImage(CurveFigures.pretrainLoss(runs), 800, 400));
      doc.figure(
          "pretrain-accuracy.png",
          "Masked-token accuracy during pretraining",
          () -> Charts.toImage(CurveFigures.pretrainAccuracy(runs), 800, 400));
      RunSections.lastSteps(runs, doc);
    }
    if (doc.require("Masked patches with predicted tokens (VQ-KD)", PRETRAIN_FINAL)) {
      VqKdTokenizer tok = vqkd("Masked patches with predicted tokens (VQ-KD)");
      if (tok != null) {
        predictions("VQ-KD", "mim-predictions.png", run.resolve(PRETRAIN_FINAL), tok);
      }
    }
    if (doc.require(
        "Masked patches with predicted tokens (pixel targets)",
        PRETRAIN_PIXEL_FINAL,
        RunLayout.PIXEL_TOKENIZER)) {
      try {
        PixelKMeansTokenizer pix = PixelKMeansTokenizer.load(new RunLayout(run).pixelTokenizer());
        predictions(
            "pixel k-means", "mim-predictions-pixel.png", run.resolve(PRETRAIN_PIXEL_FINAL), pix);
      } catch (RuntimeException e) {
        doc.skip("Masked patches with predicted tokens (pixel targets)", ReportDocument.message(e));
      }
    }
  }

  private void predictions(String label, String file, Path checkpoint, VisualTokenizer tok) {
    String what = "Masked patches with predicted tokens (" + label + ")";
    PretrainModel model;
    try {
      model = MimPredictions.load(checkpoint);
    } catch (RuntimeException e) {
      doc.skip(what, ReportDocument.message(e));
      return;
    }
    var vit = model.config().vit();
    ImageDataset data = images(what, vit.channels(), vit.imageSize(), "the pretrained model");
    if (data == null) {
      return;
    }
    List<Image> ex = ReportImages.examples(data, options.examples());
    double[] accuracy = new double[1];
    boolean drawn =
        doc.figure(
            file,
            what,
            () -> {
              INDArray raw = ReportImages.batch(ex); // [B, C, H, W] in [0, 1]
              INDArray vitView = ReportImages.normalise(raw, options.vitNormalization());
              int[][] targets = tok.tokenize(raw);
              INDArray mask =
                  new BlockMasking(model.config().masking(), options.seed())
                      .batch(0, ex.size()); // [B, N]
              int[][] predicted = MimPredictions.predict(model, vitView, mask);
              boolean[][] masks = new boolean[ex.size()][];
              for (int b = 0; b < masks.length; b++) {
                masks[b] = new boolean[targets[b].length];
                for (int i = 0; i < masks[b].length; i++) {
                  masks[b][i] = mask.getDouble(b, i) != 0;
                }
              }
              accuracy[0] = TokenFigures.accuracy(masks, targets, predicted);
              return TokenFigures.maskPredictions(
                  ex, masks, targets, predicted, vit.gridSize(), 16);
            });
    if (drawn) {
      doc.paragraph(
          String.format(
              Locale.ROOT,
              "Columns: image, block mask (%d of %d patches hidden), the %s tokenizer's code of"
                  + " each masked patch (the target), the model's most likely code (green frame"
                  + " = right, red = wrong). Right on %.1f%% of these masked patches; chance is"
                  + " 1/K = %.2f%%.",
              model.config().masking().numMasked(),
              vit.numPatches(),
              label,
              100 * accuracy[0],
              100.0 / model.config().codebookSize()));
    }
  }

  private VqKdTokenizer vqkd(String what) {
    if (!doc.require(what, RunLayout.TOKENIZER)) {
      return null;
    }
    try {
      return VqKdTokenizer.load(new RunLayout(run).tokenizer());
    } catch (RuntimeException e) {
      doc.skip(what, "the tokenizer could not be loaded: " + ReportDocument.message(e));
      return null;
    }
  }

  /** The images to draw with, or null after noting why there are none that fit. */
  private ImageDataset images(String what, int channels, int size, String who) {
    if (images == null && noImages == null) {
      if (options.images() != null) {
        images = options.images();
      } else if (FashionMnist.isInstalled()) {
        images = FashionMnist.load(FashionMnist.Split.TEST);
      } else {
        noImages =
            "no images: Fashion-MNIST is not installed ("
                + FashionMnist.INSTALL_HINT
                + ") and none were given (ReportOptions.withImages)";
      }
    }
    if (images == null) {
      doc.skip(what, noImages);
      return null;
    }
    String mismatch = ReportImages.mismatch(images, channels, size, who);
    if (mismatch != null) {
      doc.skip(what, mismatch);
      return null;
    }
    return images;
  }
}
