package org.beit4j.badinput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.eval.ResultsTable;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Manifest;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainCheckpoint;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.train.Schedule;

/**
 * One artefact of every kind, made by the real classes on tiny presets once per JVM: the pristine
 * copies the bad-input cases damage.
 */
final class ArtefactFixtures {

  /**
   * An artefact kind as the suite sees it.
   *
   * @param kind the kind its manifest and messages name
   * @param dir the artefact's directory under the fixture root
   * @param mainFile the file holding its weights or values (the one damaged)
   * @param singleFile whether it is loaded by its file (else by its directory)
   * @param load the public load call
   */
  record Kind(
      String kind, String dir, String mainFile, boolean singleFile, Function<Path, Object> load) {

    /** The path a user passes to {@link #load} for the artefact under {@code root}. */
    Path path(Path root) {
      Path d = root.resolve(dir);
      return singleFile ? d.resolve(mainFile) : d;
    }

    /** Its manifest under {@code root}: the sidecar of a single file, else the directory's. */
    Path manifest(Path root) {
      Path d = root.resolve(dir);
      return singleFile
          ? d.resolve(mainFile + Manifest.SIDECAR_SUFFIX)
          : d.resolve(Manifest.FILE_NAME);
    }

    @Override
    public String toString() {
      return kind;
    }
  }

  static final List<Kind> KINDS =
      List.of(
          new Kind("backbone", "backbone", "backbone.sd", true, VisionTransformer::load),
          new Kind(CnnTeacher.KIND, "teacher", CnnTeacher.GRAPH_FILE, false, CnnTeacher::load),
          new Kind(VqKdTokenizer.KIND, "tokenizer", "graph.sdz", false, VqKdTokenizer::load),
          new Kind(
              PretrainCheckpoint.KIND,
              "pretrain/final",
              "params.bin",
              false,
              PretrainCheckpoint::loadModel),
          new Kind(
              PixelKMeansTokenizer.KIND,
              "pixel-tokenizer",
              "pixel-kmeans.bin",
              false,
              PixelKMeansTokenizer::load),
          new Kind(ResultsTable.KIND, "eval", ResultsTable.CSV_FILE, true, ResultsTable::load));

  private static Path root;

  private ArtefactFixtures() {}

  /** The fixture root (built on first use; deleted when the JVM exits). */
  static synchronized Path root() {
    if (root == null) {
      try {
        Path d = Files.createTempDirectory("beit4j-badinput");
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        AtomicFiles.deleteRecursively(d);
                      } catch (IOException e) {
                        // a temporary folder left behind is harmless
                      }
                    }));
        build(d);
        root = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  private static void build(Path run) {
    Beit4j.init();
    SyntheticImages train = new SyntheticImages(128, 1, 28, 28, 10, 1);
    SyntheticImages test = new SyntheticImages(32, 1, 28, 28, 10, 2);
    CnnTeacher teacher = CnnTeacher.train(CnnTeacherConfig.test().withTrainLimit(64), train, test);
    teacher.save(run.resolve("teacher"));
    VqKdConfig vq = VqKdConfig.test().withRun(r -> r.withSteps(2));
    VqKdTokenizer tok =
        VqKdTokenizer.train(
            vq, teacher, loader(train, vq.run().batchSize()), "synthetic", null, null);
    tok.save(run.resolve("tokenizer"));
    PixelKMeansTokenizer pix =
        PixelKMeansTokenizer.fit(loader(train, 64).next().getFeatures(0), 4, 16, true, 3, 3);
    pix.save(run.resolve("pixel-tokenizer"));
    PretrainConfig cfg =
        PretrainConfig.of(VitConfig.test(), 16, 1, 8)
            .withClsHead(false)
            .withRun(r -> r.withSchedule(s -> new Schedule(2e-3, 1e-4, 1, 1)));
    Pretrainer.create(cfg, pix, run.resolve("pretrain")).train(loader(train, 8), 1);
    try {
      AtomicFiles.deleteRecursively(run.resolve("backbone"));
      Files.move(run.resolve("pretrain/backbone"), run.resolve("backbone"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ResultsTable.parse(
            ResultsTable.HEADER
                + "\npixels,raw pixels,0.71,0.69,\nrandom,random ViT,0.52,0.48,0.60\n"
                + "beitv2,BEiT v2 backbone,0.66,0.60,0.75\n",
            "fixture")
        .save(run.resolve("eval"));
  }

  private static ImageBatchIterator loader(SyntheticImages data, int batch) {
    return ImageBatchIterator.of(data, TransformConfig.plain(28, 1), LoaderConfig.of(batch));
  }
}
