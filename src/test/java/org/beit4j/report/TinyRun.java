package org.beit4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.io.MetricsCsv;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.train.Schedule;

/**
 * A complete demo run directory made by the real classes on tiny presets (built once per JVM, in a
 * temporary folder): teacher, VQ-KD tokenizer with its metrics.csv, pixel tokenizer, two short
 * pretraining runs and a hand-written eval table.
 */
final class TinyRun {

  static final SyntheticImages TRAIN = new SyntheticImages(256, 1, 28, 28, 10, 1);
  static final SyntheticImages TEST = new SyntheticImages(64, 1, 28, 28, 10, 2);
  static final int K = 64;
  static final int PRETRAIN_STEPS = 2;

  /** The tokenizer metrics header: the step, then the fields of {@link VqKdTokenizer.StepLog}. */
  static final List<String> TOKENIZER_HEADER =
      List.of(
          "step",
          "distill",
          "commitment",
          "cosine",
          "usedFraction",
          "perplexity",
          "reseeded",
          "msPerStep");

  static final String RESULTS_CSV =
      "name,description,linear_top1,knn_top1,finetune_top1\n"
          + "a,raw pixels,0.71,0.69,\n"
          + "b,random ViT,0.52,0.48,\n"
          + "c,\"teacher features, CNN\",0.80,0.78,\n"
          + "d,BEiT v2 backbone,0.66,0.60,0.75\n"
          + "e,pixel-token backbone,0.58,,\n";

  private static Path dir;

  private TinyRun() {}

  /** The run directory (built on first use). */
  static synchronized Path get() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("beit4j-tinyrun");
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        org.beit4j.io.AtomicFiles.deleteRecursively(d);
                      } catch (IOException e) {
                        // a temporary folder left behind is harmless
                      }
                    }));
        dir = build(d);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  static ReportOptions options() {
    return ReportOptions.defaults()
        .withImages(TEST)
        .withUsageImages(64)
        .withExamples(4)
        .withVitNormalization(null);
  }

  static ImageBatchIterator loader(int batch) {
    return ImageBatchIterator.of(TRAIN, TransformConfig.plain(28, 1), LoaderConfig.of(batch));
  }

  private static Path build(Path run) throws IOException {
    Beit4j.init();
    CnnTeacher teacher = CnnTeacher.train(CnnTeacherConfig.test().withTrainLimit(96), TRAIN, TEST);
    teacher.save(run.resolve("teacher"));

    VqKdConfig vq = VqKdConfig.test().withRun(r -> r.withSteps(6).withLogEvery(2));
    List<VqKdTokenizer.StepLog> logs = new ArrayList<>();
    VqKdTokenizer tok =
        VqKdTokenizer.train(
            vq, teacher, loader(vq.run().batchSize()), "synthetic", null, logs::add);
    tok.save(run.resolve("tokenizer"));
    try (MetricsCsv csv =
        MetricsCsv.open(run.resolve("tokenizer/metrics.csv"), TOKENIZER_HEADER, 0)) {
      for (VqKdTokenizer.StepLog l : logs) {
        csv.row(
            l.step(),
            l.distill(),
            l.commitment(),
            l.cosine(),
            l.usedFraction(),
            l.perplexity(),
            l.reseeded(),
            l.msPerStep());
      }
    }

    PixelKMeansTokenizer pix =
        PixelKMeansTokenizer.fit(loader(64).next().getFeatures(0), 4, K, true, 5, 3);
    pix.save(run.resolve("pixel-tokenizer"));

    PretrainConfig cfg =
        PretrainConfig.of(VitConfig.test(), K, PRETRAIN_STEPS, 8)
            .withClsHeadLayer(1)
            .withRun(r -> r.withSchedule(s -> new Schedule(2e-3, 1e-4, 1, PRETRAIN_STEPS)));
    Pretrainer.create(cfg, tok, run.resolve("pretrain")).train(loader(8), PRETRAIN_STEPS);
    Pretrainer.create(cfg.withClsHead(false), pix, run.resolve("pretrain-pixel"))
        .train(loader(8), PRETRAIN_STEPS);

    Files.createDirectories(run.resolve("eval"));
    Files.writeString(run.resolve("eval/results.csv"), RESULTS_CSV);
    Files.writeString(
        run.resolve("eval/results.md"),
        "| name | description | linear top-1 |\n| --- | --- | --- |\n| a | raw pixels | 71.0% |\n");
    return run;
  }

  /** Copies the named top-level entries of the run into {@code target}. */
  static Path copy(Path target, String... entries) throws IOException {
    Files.createDirectories(target);
    for (String e : entries) {
      Path from = get().resolve(e);
      try (var walk = Files.walk(from)) {
        for (Path p : walk.toList()) {
          Path to = target.resolve(get().relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
    }
    return target;
  }
}
