package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.pipeline.Artefacts.TokenizerKind;
import org.beit4j.pipeline.DataSource;
import org.beit4j.pipeline.TeacherSource;
import org.beit4j.pipeline.TokenizerStage;
import org.beit4j.tokenizer.VqKdConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j tokenizer}: the flags of {@link TokenizerStage}. */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains a VQ-KD visual tokenizer against a frozen teacher (or fits the pixel k-means"
          + " baseline) and saves it, with metrics.csv of the VQ-KD training. Prints the"
          + " codebook usage, perplexity and cosine to the teacher on held-out images.",
      "Example: bin/beit4j tokenizer --teacher runs/x/teacher --out runs/x/tokenizer"
    })
final class TokenizerCommand implements Callable<Integer> {

  /** The CNN teacher used when no teacher option is given. */
  static final Path DEFAULT_TEACHER = Path.of("runs", "teacher");

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--kind",
      defaultValue = "vqkd",
      paramLabel = "vqkd|pixel-kmeans",
      converter = PresetConverters.Kind.class,
      description = "VQ-KD (BEiT v2) or k-means on raw pixel patches (default ${DEFAULT-VALUE}).")
  TokenizerKind kind;

  @Option(
      names = "--teacher",
      paramLabel = "DIR",
      description = "A CNN teacher made by `bin/beit4j teacher` (default runs/teacher).")
  Path teacher;

  @Option(
      names = "--onnx-teacher",
      paramLabel = "FILE",
      description = "An ONNX teacher, e.g. CLIP or DINO ViT-B/16 (see docs/teachers.md).")
  Path onnxTeacher;

  @Option(
      names = "--onnx-preset",
      defaultValue = "clip",
      paramLabel = "NAME",
      converter = PresetConverters.OnnxName.class,
      completionCandidates = PresetConverters.OnnxName.class,
      description =
          "Preprocessing of the ONNX teacher: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  String onnxPreset;

  @Option(
      names = "--samediff-teacher",
      paramLabel = "FILE",
      description = "A saved SameDiff graph as teacher (with --output).")
  Path sameDiffTeacher;

  @Option(
      names = "--input",
      defaultValue = "images",
      paramLabel = "NAME",
      description = "SameDiff teacher: the image placeholder (default ${DEFAULT-VALUE}).")
  String input;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      description = "SameDiff teacher: the patch-token variable [B, 1+n, D].")
  String output;

  @Option(
      names = "--teacher-input-size",
      defaultValue = "224",
      description = "SameDiff and plain ONNX teachers: input side (default ${DEFAULT-VALUE}).")
  int teacherInputSize;

  @Option(
      names = "--teacher-channels",
      defaultValue = "3",
      description = "SameDiff and plain ONNX teachers: input channels (default ${DEFAULT-VALUE}).")
  int teacherChannels;

  @Option(
      names = "--teacher-norm",
      description =
          "Standardise the teacher's features per token (a LayerNorm without gain and bias, like"
              + " CLIP's targets) before VQ-KD learns them.")
  boolean teacherNorm;

  @Option(
      names = "--preset",
      defaultValue = "fashion-mnist",
      paramLabel = "NAME",
      converter = PresetConverters.VqKd.class,
      completionCandidates = PresetConverters.VqKd.class,
      description = "Tokenizer preset: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  VqKdConfig preset;

  @Option(
      names = "--data",
      defaultValue = DataSource.FASHION_MNIST,
      paramLabel = "fashion-mnist|DIR",
      description = "Training images: fashion-mnist or a folder DIR/train/<class>/<image>.")
  String data;

  @Option(
      names = "--encoder-width",
      defaultValue = "0",
      description = "VQ-KD encoder token width (default 0 = the preset's).")
  int encoderWidth;

  @Option(
      names = "--encoder-depth",
      defaultValue = "0",
      description = "VQ-KD encoder blocks (default 0 = the preset's).")
  int encoderDepth;

  @Option(
      names = "--decoder-width",
      defaultValue = "0",
      description = "VQ-KD decoder token width (default 0 = the preset's).")
  int decoderWidth;

  @Option(
      names = "--decoder-depth",
      defaultValue = "0",
      description = "VQ-KD decoder blocks (default 0 = the preset's).")
  int decoderDepth;

  @Option(
      names = "--weight-decay",
      defaultValue = "-1",
      description =
          "VQ-KD AdamW weight decay (default -1 = the preset's; the official tokenizer uses 1e-4).")
  double weightDecay;

  @Option(
      names = "--plain-vit",
      description =
          "Encoder and decoder as in the official tokenizer: no layer scale, no relative position"
              + " bias, learned absolute position embeddings.")
  boolean plainVit;

  @Option(
      names = "--eval-images",
      defaultValue = "1000",
      description = "Held-out images for the final health check (default ${DEFAULT-VALUE}).")
  int evalImages;

  @Option(
      names = "--kmeans-images",
      defaultValue = "2048",
      description = "pixel-kmeans: images whose patches are clustered (default ${DEFAULT-VALUE}).")
  int kmeansImages;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds weights, codebook and batch order (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      defaultValue = "runs/tokenizer",
      paramLabel = "DIR",
      description = "Where the tokenizer is saved (default ${DEFAULT-VALUE}).")
  Path out;

  @Mixin VqKdRunOptions run;

  @Mixin ReplicasOption replicas;

  /** The stage's options; invalid or conflicting values are usage errors. */
  TokenizerStage.Options options() {
    try {
      VqKdConfig c = run.apply(preset.withRun(r -> r.withSeed(seed)));
      c = architecture(c);
      if (weightDecay >= 0) {
        c = c.withRun(r -> r.withOptimizer(o -> o.withWeightDecay(weightDecay)));
      }
      TeacherSource source = kind == TokenizerKind.VQKD ? teacherSource() : null;
      return new TokenizerStage.Options(kind, source, c, data, evalImages, kmeansImages, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private VqKdConfig architecture(VqKdConfig c) {
    if (encoderWidth != 0) {
      c = c.withEncoder(e -> e.withWidth(encoderWidth));
    }
    if (encoderDepth != 0) {
      c = c.withEncoder(e -> e.withDepth(encoderDepth));
    }
    if (plainVit) {
      c = c.withEncoder(e -> e.withLayerScaleInit(0).withRelPosBias(false).withAbsPosEmbed(true));
    }
    int dw = decoderWidth != 0 ? decoderWidth : c.decoderWidth();
    return c.withDecoder(decoderDepth != 0 ? decoderDepth : c.decoderDepth(), dw);
  }

  private TeacherSource teacherSource() {
    return rawTeacherSource().withLayerNorm(teacherNorm);
  }

  private TeacherSource rawTeacherSource() {
    int given = (teacher != null ? 1 : 0) + (onnxTeacher != null ? 1 : 0);
    given += sameDiffTeacher != null ? 1 : 0;
    if (given > 1) {
      throw new IllegalArgumentException(
          "give only one of --teacher, --onnx-teacher and --samediff-teacher");
    }
    if (onnxTeacher != null) {
      return TeacherSource.onnx(onnxTeacher, onnxPreset, teacherInputSize, teacherChannels);
    }
    if (sameDiffTeacher != null) {
      return TeacherSource.sameDiff(
          sameDiffTeacher, input, output, teacherInputSize, teacherChannels);
    }
    return TeacherSource.cnn(teacher != null ? teacher : DEFAULT_TEACHER);
  }

  @Override
  public Integer call() {
    TokenizerStage.Result r = TokenizerStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "tokenizer (%s): codebook usage %.1f%% of %d codes, perplexity %.1f, cosine to the"
            + " teacher %s on held-out images; saved to %s (%.0f s)%n",
        kind.cliName(),
        100 * r.health().usedFraction(),
        r.health().codebookSize(),
        r.health().perplexity(),
        Double.isNaN(r.cosine()) ? "n/a" : String.format(Locale.ROOT, "%.4f", r.cosine()),
        r.dir(),
        r.seconds());
    o.flush();
    return 0;
  }
}
