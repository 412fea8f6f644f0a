package org.beit4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.beit4j.Beit4j;
import org.beit4j.eval.FeatureSource;
import org.beit4j.eval.FineTune;
import org.beit4j.eval.FineTuneConfig;
import org.beit4j.eval.FineTuneResult;
import org.beit4j.eval.FrozenEvalConfig;
import org.beit4j.eval.FrozenEvaluation;
import org.beit4j.eval.ProbeResult;
import org.beit4j.eval.ResultsTable;
import org.beit4j.io.RunLayout;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.CnnTeacher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/beit4j probe}: scores representations on the same labelled split, by a linear probe
 * and k-NN on frozen features (and optionally by fine-tuning), and writes {@code results.csv} and
 * {@code results.md} ({@link ResultsTable}) to the output directory.
 */
public final class ProbeStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(ProbeStage.class);

  /** What a row of the table is computed from. */
  public enum Kind {
    /** Raw pixels, flattened. */
    PIXELS,
    /** A randomly initialised ViT of the shape of the backbone at {@code path}. */
    RANDOM,
    /** The mean of a CNN teacher's patch features ({@code path} = the teacher's directory). */
    TEACHER,
    /** A pretrained backbone ({@code path} = {@code backbone.sd} or the directory holding it). */
    BACKBONE,
    /** The bag of a tokenizer's codes per image ({@code path} = the tokenizer's directory). */
    TOKENS
  }

  /**
   * One representation to score.
   *
   * @param name the row's name
   * @param kind what it is
   * @param path the artefact (null for pixels)
   * @param description shown next to the name in the table
   */
  public record Source(String name, Kind kind, Path path, String description) {

    /** Validates every field. */
    public Source {
      Checks.notBlank("name", name);
      Checks.notNull("kind", kind);
      if (kind != Kind.PIXELS && path == null) {
        throw new IllegalArgumentException("source " + name + " (" + kind + ") needs a path");
      }
      description = description == null ? "" : description;
    }

    /**
     * Parses {@code name=kind[:path]}, e.g. {@code beitv2=backbone:runs/x/pretrain/backbone}; kinds
     * are {@code pixels}, {@code random}, {@code teacher}, {@code backbone}.
     */
    public static Source parse(String spec) {
      int eq = spec.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException(
            "--source must be NAME=KIND[:PATH] (e.g. beitv2=backbone:runs/x/pretrain/backbone),"
                + " got '"
                + spec
                + "'");
      }
      String name = spec.substring(0, eq);
      String rest = spec.substring(eq + 1);
      int colon = rest.indexOf(':');
      String kindName = colon < 0 ? rest : rest.substring(0, colon);
      Kind kind;
      try {
        kind = Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--source "
                + spec
                + ": unknown kind '"
                + kindName
                + "' (one of "
                + Arrays.stream(Kind.values())
                    .map(k -> k.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "))
                + ")");
      }
      Path path = colon < 0 ? null : Path.of(rest.substring(colon + 1));
      return new Source(name, kind, path, "");
    }
  }

  /**
   * What to score and how.
   *
   * @param sources the rows, in table order
   * @param data {@code fashion-mnist} or an image folder with {@code train/} and {@code test/}
   * @param frozen subset sizes, probe and k-NN settings
   * @param pool pooling of ViT features: [CLS] or the mean of the patch tokens
   * @param fineTune fine-tuning settings, applied to every ViT row (random and backbones); null =
   *     no fine-tuning
   * @param out where results.csv and results.md are written
   * @param resume keep the rows an interrupted run with the same settings already wrote to {@code
   *     out} and score only the others
   */
  public record Options(
      List<Source> sources,
      String data,
      FrozenEvalConfig frozen,
      VisionTransformer.Pool pool,
      FineTuneConfig fineTune,
      Path out,
      boolean resume) {

    /** Validates every field. */
    public Options {
      if (sources == null || sources.isEmpty()) {
        throw new IllegalArgumentException("at least one --source is needed");
      }
      sources = List.copyOf(sources);
      Checks.notBlank("data", data);
      Checks.notNull("frozen", frozen);
      Checks.notNull("pool", pool);
      Checks.notNull("out", out);
    }
  }

  /** The settings of a run, next to its results, so that a resume can check they are the same. */
  public static final String SETTINGS_FILE = "probe-settings.txt";

  /** The table written and the wall time. */
  public record Result(ResultsTable table, Path dir, double seconds) {}

  private ProbeStage() {}

  /**
   * Checks every artefact and the output directory first, then scores each source in turn.
   *
   * @throws PipelineException when an artefact is missing or the output directory is not usable
   */
  public static Result run(Options o) {
    long t0 = System.nanoTime();
    for (Source s : o.sources()) {
      if (s.kind() == Kind.TEACHER) {
        Artefacts.requireFile(
            s.path().resolve(CnnTeacher.GRAPH_FILE),
            "CNN teacher of source " + s.name(),
            "--source " + s.name() + "=teacher:DIR; made by `bin/beit4j teacher`");
      } else if (s.kind() == Kind.TOKENS) {
        Artefacts.tokenizerKind(s.path());
      } else if (s.kind() != Kind.PIXELS) {
        backboneFile(s);
      }
    }
    OutputDir.check(o.out(), 1 << 16, "the evaluation results");
    DataSource data = DataSource.open(o.data(), 1);
    if (data.test() == null) {
      throw new PipelineException(
          o.data() + " has no test/ split: the probe scores on held-out images only");
    }
    ResultsTable earlier = o.resume() ? earlier(o) : ResultsTable.empty();
    writeSettings(o);
    FrozenEvaluation eval = FrozenEvaluation.of(data.train(), data.test(), o.frozen());
    ResultsTable table = ResultsTable.empty();
    for (Source s : o.sources()) {
      var kept = finished(earlier, s, o);
      if (kept.isPresent()) {
        log.info("{}: kept from the earlier run in {}", s.name(), o.out());
        table = table.with(kept.get());
        continue;
      }
      log.info("scoring {} ({})", s.name(), s.kind());
      ProbeResult r = eval.evaluate(featureSource(s, o.pool()));
      table = table.with(r);
      if (o.fineTune() != null && (s.kind() == Kind.RANDOM || s.kind() == Kind.BACKBONE)) {
        FineTuneResult ft =
            FineTune.of(vit(s), data.train().numClasses(), o.fineTune())
                .run(data.train(), data.test());
        table = table.withFinetune(s.name(), ft.top1());
      }
      table.save(o.out()); // after every row, so a long run shows its progress on disk
      Stages.releaseNativeMemory();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(table, o.out(), seconds);
  }

  /**
   * Whether {@code o.out()} already holds every row of {@code o}, written with the same settings
   * (fine-tuning included where asked for): a resumed run would have nothing left to do.
   */
  public static boolean complete(Options o) {
    Path csv = o.out().resolve(ResultsTable.CSV_FILE);
    if (!Files.isRegularFile(csv) || !settings(o).equals(readSettings(o.out()))) {
      return false;
    }
    ResultsTable t = ResultsTable.load(csv);
    return o.sources().stream().allMatch(s -> finished(t, s, o).isPresent());
  }

  /** The row of {@code s} in {@code t} if it has every figure {@code o} asks for. */
  private static Optional<ResultsTable.Row> finished(ResultsTable t, Source s, Options o) {
    boolean wantsFinetune =
        o.fineTune() != null && (s.kind() == Kind.RANDOM || s.kind() == Kind.BACKBONE);
    return t.rows().stream()
        .filter(r -> r.name().equals(s.name()))
        .filter(r -> !wantsFinetune || !Double.isNaN(r.finetuneTop1()))
        .findFirst();
  }

  /** The rows of an earlier run in {@code o.out()}, refused if its settings differ. */
  private static ResultsTable earlier(Options o) {
    Path csv = o.out().resolve(ResultsTable.CSV_FILE);
    if (!Files.isRegularFile(csv)) {
      return ResultsTable.empty();
    }
    String before = readSettings(o.out());
    if (!settings(o).equals(before)) {
      throw new PipelineException(
          "--resume: the results in "
              + o.out()
              + " were made with other settings ("
              + (before.isEmpty() ? "no " + SETTINGS_FILE : "see " + SETTINGS_FILE)
              + "); run the same sources and flags again, drop --resume to start afresh, or"
              + " choose another --out");
    }
    return ResultsTable.load(csv);
  }

  /** Sources, data, subsets, probe, pooling and fine-tuning settings, one per line. */
  private static String settings(Options o) {
    StringBuilder b = new StringBuilder();
    for (Source s : o.sources()) {
      b.append("source=").append(s.name()).append(' ').append(s.kind()).append(' ');
      b.append(s.path() == null ? "-" : s.path().toAbsolutePath().normalize()).append('\n');
    }
    b.append("data=").append(o.data()).append('\n');
    b.append("frozen=").append(o.frozen()).append('\n');
    b.append("pool=").append(o.pool()).append('\n');
    b.append("fineTune=").append(o.fineTune()).append('\n');
    return b.toString();
  }

  private static String readSettings(Path out) {
    Path f = out.resolve(SETTINGS_FILE);
    try {
      return Files.isRegularFile(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      throw new PipelineException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  private static void writeSettings(Options o) {
    try {
      Files.createDirectories(o.out());
      Files.writeString(o.out().resolve(SETTINGS_FILE), settings(o));
    } catch (IOException e) {
      throw new PipelineException("cannot write " + o.out().resolve(SETTINGS_FILE) + ": " + e, e);
    }
  }

  /** The features a source stands for, its ViT (if any) pooled by {@code pool}. */
  public static FeatureSource featureSource(Source s, VisionTransformer.Pool pool) {
    return switch (s.kind()) {
      case PIXELS -> new FeatureSource(s.name(), describe(s), FeatureSource.pixels().extractor());
      case TEACHER -> FeatureSource.teacher(s.name(), describe(s), Artefacts.cnnTeacher(s.path()));
      case RANDOM, BACKBONE -> FeatureSource.vit(s.name(), describe(s), vit(s), pool, null);
      case TOKENS -> FeatureSource.tokens(s.name(), describe(s), Artefacts.tokenizer(s.path()));
    };
  }

  /** The ViT of a RANDOM or BACKBONE source (a random one has the backbone's shape, seed 1). */
  public static VisionTransformer vit(Source s) {
    VisionTransformer loaded = VisionTransformer.load(backboneFile(s));
    return s.kind() == Kind.RANDOM ? VisionTransformer.build(loaded.config(), 1) : loaded;
  }

  private static String describe(Source s) {
    if (!s.description().isEmpty()) {
      return s.description();
    }
    return switch (s.kind()) {
      case PIXELS -> "raw pixels, flattened";
      case RANDOM -> "randomly initialised ViT of the shape of " + s.path();
      case TEACHER -> "mean of the teacher's patch features, " + s.path();
      case BACKBONE -> "pretrained backbone " + s.path();
      case TOKENS -> "bag of the visual words of the tokenizer " + s.path();
    };
  }

  /** {@code path} itself if it is a file, else {@code path/backbone.sd}; must exist. */
  static Path backboneFile(Source s) {
    Path p = s.path();
    Path file = Files.isDirectory(p) ? p.resolve(Pretrainer.BACKBONE_FILE) : p;
    return Artefacts.requireFile(
        file,
        "backbone of source " + s.name(),
        "--source "
            + s.name()
            + "="
            + s.kind().name().toLowerCase(Locale.ROOT)
            + ":PATH; made by `bin/beit4j pretrain`");
  }

  /**
   * Rows for a demo run, in the order of issue 6's table ((a) pixels .. (e) pixel tokens), then the
   * bags of words of the two tokenizers ((f), (g)): how much class information each MIM target
   * carries. The teacher's row names its test accuracy.
   */
  public static List<Source> demoSources(RunLayout run) {
    String note =
        String.format(
            Locale.ROOT,
            "built-in CNN trained on the labels (%.1f%% test accuracy), a stand-in for CLIP",
            100 * Artefacts.cnnTeacher(run.teacher()).testAccuracy());
    return demoSources(run.root(), note);
  }

  private static List<Source> demoSources(Path run, String teacherNote) {
    Path backbone = RunLayout.backbone(new RunLayout(run).pretrain());
    List<Source> s = new ArrayList<>();
    s.add(new Source("(a) pixels", Kind.PIXELS, null, "raw pixels, flattened (784)"));
    s.add(
        new Source(
            "(b) random ViT",
            Kind.RANDOM,
            backbone,
            "randomly initialised ViT of the same shape, not trained"));
    s.add(
        new Source(
            "(c) teacher",
            Kind.TEACHER,
            new RunLayout(run).teacher(),
            "the teacher's own patch features, mean-pooled; " + teacherNote));
    s.add(
        new Source(
            "(d) BEiT v2",
            Kind.BACKBONE,
            backbone,
            "MIM on VQ-KD tokens distilled from the teacher, with the [CLS] head"));
    s.add(
        new Source(
            "(e) pixel tokens",
            Kind.BACKBONE,
            RunLayout.backbone(new RunLayout(run).pretrainPixel()),
            "same MIM and [CLS] head on k-means codes of raw 4x4 patches (BEiT v1-like)"));
    s.add(
        new Source(
            "(f) VQ-KD words",
            Kind.TOKENS,
            new RunLayout(run).tokenizer(),
            "no backbone: the histogram of each image's VQ-KD codes, the targets (d) learns to"
                + " predict"));
    s.add(
        new Source(
            "(g) pixel words",
            Kind.TOKENS,
            new RunLayout(run).pixelTokenizer(),
            "no backbone: the histogram of each image's pixel k-means codes, the targets of (e)"));
    return s;
  }
}
