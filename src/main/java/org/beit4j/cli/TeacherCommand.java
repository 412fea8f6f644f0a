package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.pipeline.DataSource;
import org.beit4j.pipeline.TeacherStage;
import org.beit4j.teacher.CnnTeacherConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j teacher}: the flags of {@link TeacherStage}. */
@Command(
    name = "teacher",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains the built-in CNN teacher (a label-supervised stand-in for CLIP/DINO) and saves it"
          + " with its provenance (teacher.sd, provenance.properties). Prints its test accuracy.",
      "Example: bin/beit4j teacher --out runs/x/teacher"
    })
final class TeacherCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--data",
      defaultValue = DataSource.FASHION_MNIST,
      paramLabel = "fashion-mnist|DIR",
      description =
          "Training data: fashion-mnist (default) or an image folder with DIR/train/<class>/<image>"
              + " and DIR/test/<class>/<image> (the class folders are the labels).")
  String data;

  @Option(
      names = "--preset",
      defaultValue = "fashion-mnist",
      paramLabel = "NAME",
      converter = PresetConverters.Teacher.class,
      completionCandidates = PresetConverters.Teacher.class,
      description =
          "Network and training preset: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE};"
              + " test = tiny).")
  CnnTeacherConfig preset;

  @Option(
      names = "--epochs",
      defaultValue = "0",
      description = "Passes over the training images (default 0 = the preset's).")
  int epochs;

  @Option(
      names = "--train-limit",
      defaultValue = "0",
      description = "Train on a seeded subset of this many images (default 0 = the preset's).")
  int trainLimit;

  @Option(
      names = "--test-limit",
      defaultValue = "0",
      description = "Measure accuracy on the first N test images (default 0 = all).")
  int testLimit;

  @Option(
      names = "--channels",
      defaultValue = "0",
      description = "Image folders: convert images to 1 (grey) or 3 (RGB) channels (default 1).")
  int channels;

  @Option(
      names = "--image-size",
      defaultValue = "0",
      description = "Resize images to this side, a multiple of 4 (default 0 = the preset's 28).")
  int imageSize;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds the weights and batch order (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      defaultValue = "runs/teacher",
      paramLabel = "DIR",
      description = "Where the teacher is saved (default ${DEFAULT-VALUE}).")
  Path out;

  @Mixin ReplicasOption replicas;

  /** The stage's options; invalid values are usage errors. */
  TeacherStage.Options options() {
    try {
      CnnTeacherConfig c = preset.withSeed(seed);
      c = epochs == 0 ? c : c.withEpochs(epochs);
      c = trainLimit == 0 ? c : c.withTrainLimit(trainLimit);
      c = channels == 0 ? c : c.withChannels(channels);
      c = imageSize == 0 ? c : c.withImageSize(imageSize);
      return new TeacherStage.Options(c, data, testLimit, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    TeacherStage.Result r = TeacherStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "teacher: test accuracy %.4f; saved to %s (%.0f s)%n",
        r.testAccuracy(),
        r.dir(),
        r.seconds());
    o.flush();
    return 0;
  }
}
