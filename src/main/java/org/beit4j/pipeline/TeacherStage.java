package org.beit4j.pipeline;

import java.nio.file.Path;
import org.beit4j.Beit4j;
import org.beit4j.data.ImageDataset;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 0, {@code bin/beit4j teacher}: trains the built-in CNN teacher on labelled images and saves
 * it with its provenance ({@code teacher.sd}, {@code provenance.properties}).
 */
public final class TeacherStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(TeacherStage.class);

  /**
   * What to train.
   *
   * @param config the network and its training, e.g. {@code CnnTeacherConfig.PRESETS.get(name)}
   *     with changes; its class count is replaced by the data's
   * @param data {@code fashion-mnist} or an image folder with {@code train/} and {@code test/}
   * @param testLimit measure accuracy on the first this many test images, 0 = all
   * @param out the directory the teacher is saved to
   */
  public record Options(CnnTeacherConfig config, String data, int testLimit, Path out) {

    /** Validates every field. */
    public Options {
      Checks.notNull("config", config);
      Checks.notBlank("data", data);
      Checks.nonNegative("testLimit", testLimit);
      Checks.notNull("out", out);
    }

    /** {@code config} trained on Fashion-MNIST, scored on all its test images. */
    public static Options of(CnnTeacherConfig config, Path out) {
      return new Options(config, DataSource.FASHION_MNIST, 0, out);
    }
  }

  /**
   * What the stage produced.
   *
   * @param dir where the teacher was saved
   * @param testAccuracy top-1 accuracy of its classifier on the test images
   * @param seconds wall time of the stage
   */
  public record Result(Path dir, CnnTeacher teacher, double testAccuracy, double seconds) {}

  private TeacherStage() {}

  /**
   * Checks the output directory, trains the teacher and saves it atomically.
   *
   * @throws PipelineException when the output directory or the data is not usable
   */
  public static Result run(Options o) {
    long t0 = System.nanoTime();
    OutputDir.check(o.out(), estimateBytes(o.config()), "the teacher");
    DataSource data = DataSource.open(o.data(), o.config().channels());
    if (data.test() == null) {
      throw new PipelineException(
          "the teacher's accuracy is measured on held-out images, but "
              + o.data()
              + " has no test/ directory: add "
              + Path.of(o.data()).resolve("test")
              + "/<class>/<image>");
    }
    CnnTeacherConfig config = o.config().withNumClasses(data.train().numClasses());
    ImageDataset test = data.test().first(o.testLimit());
    CnnTeacher teacher = CnnTeacher.train(config, data.train(), test);
    teacher.save(o.out());
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.info("teacher saved to {} ({} s)", o.out(), Math.round(seconds));
    return new Result(o.out(), teacher, teacher.testAccuracy(), seconds);
  }

  /** About how much disk a saved teacher of this shape takes (weights, written atomically). */
  static long estimateBytes(CnnTeacherConfig c) {
    long w = 9L * c.channels() * c.width1() + 9L * c.width1() * c.width2();
    w += 9L * c.width2() * c.width3() + c.gridConvs() * 9L * c.width3() * c.width3();
    w += (long) c.width3() * c.featureDim() + (long) c.featureDim() * 1000;
    return OutputDir.atomicBytes(w);
  }
}
