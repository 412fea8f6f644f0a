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
   * @param preset the network and training preset, e.g. {@code CnnTeacherConfig.PRESETS.get(name)}
   * @param data {@code fashion-mnist} or an image folder with {@code train/} and {@code test/}
   * @param epochs passes over the training set, 0 = the preset's
   * @param trainLimit train on a seeded subset of this many images, 0 = the preset's
   * @param testLimit measure accuracy on the first this many test images, 0 = all
   * @param channels for an image folder: 1 or 3, 0 = the preset's (1)
   * @param imageSize side the images are resized to (a multiple of 4), 0 = the preset's (28)
   * @param seed initial weights, batch order
   * @param out the directory the teacher is saved to
   */
  public record Options(
      CnnTeacherConfig preset,
      String data,
      int epochs,
      int trainLimit,
      int testLimit,
      int channels,
      int imageSize,
      long seed,
      Path out) {

    /** Validates every field. */
    public Options {
      Checks.notNull("preset", preset);
      Checks.notBlank("data", data);
      Checks.nonNegative("epochs", epochs);
      Checks.nonNegative("trainLimit", trainLimit);
      Checks.nonNegative("testLimit", testLimit);
      if (channels != 0 && channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 0, 1 or 3, got " + channels);
      }
      Checks.nonNegative("imageSize", imageSize);
      Checks.notNull("out", out);
    }

    /** Defaults: the Fashion-MNIST preset on Fashion-MNIST, seed 42, saved to {@code out}. */
    public static Options defaults(Path out) {
      return new Options(
          CnnTeacherConfig.fashionMnist(), DataSource.FASHION_MNIST, 0, 0, 0, 0, 0, 42, out);
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
    CnnTeacherConfig preset = o.preset();
    OutputDir.check(o.out(), estimateBytes(preset), "the teacher");
    DataSource data = DataSource.open(o.data(), o.channels() == 0 ? 1 : o.channels());
    if (data.test() == null) {
      throw new PipelineException(
          "the teacher's accuracy is measured on held-out images, but "
              + o.data()
              + " has no test/ directory: add "
              + Path.of(o.data()).resolve("test")
              + "/<class>/<image>");
    }
    CnnTeacherConfig config = config(o, preset, data.train());
    ImageDataset test = FirstImages.of(data.test(), o.testLimit());
    CnnTeacher teacher = CnnTeacher.train(config, data.train(), test);
    teacher.save(o.out());
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.info("teacher saved to {} ({} s)", o.out(), Math.round(seconds));
    return new Result(o.out(), teacher, teacher.testAccuracy(), seconds);
  }

  /** The preset with the options and the data's class count applied. */
  static CnnTeacherConfig config(Options o, CnnTeacherConfig p, ImageDataset train) {
    return new CnnTeacherConfig(
        o.channels() == 0 ? p.channels() : o.channels(),
        o.imageSize() == 0 ? p.imageSize() : o.imageSize(),
        p.width1(),
        p.width2(),
        p.width3(),
        p.gridConvs(),
        p.featureDim(),
        train.numClasses(),
        o.epochs() == 0 ? p.epochs() : o.epochs(),
        p.batchSize(),
        p.learningRate(),
        p.flipProbability(),
        o.trainLimit() == 0 ? p.trainLimit() : o.trainLimit(),
        o.seed(),
        p.gridHead(),
        p.norm(),
        p.headHidden());
  }

  /** About how much disk a saved teacher of this shape takes (weights, written atomically). */
  static long estimateBytes(CnnTeacherConfig c) {
    long w = 9L * c.channels() * c.width1() + 9L * c.width1() * c.width2();
    w += 9L * c.width2() * c.width3() + c.gridConvs() * 9L * c.width3() * c.width3();
    w += (long) c.width3() * c.featureDim() + (long) c.featureDim() * 1000;
    return OutputDir.atomicBytes(w);
  }
}
