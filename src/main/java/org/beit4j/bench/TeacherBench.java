package org.beit4j.bench;

import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.teacher.CnnTeacherTraining;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The CNN teacher's training step, {@link CnnTeacherTraining#step} as {@link CnnTeacher#train}
 * takes it (fit passes on the JVM's default number of replicas, one Adam step), at the preset's
 * batch.
 */
public record TeacherBench(String name, CnnTeacherConfig config) implements StageBench {

  /** The demo's teacher, {@link CnnTeacherConfig#fashionMnist()} (batch 128). */
  public static TeacherBench demo() {
    return new TeacherBench("teacher", CnnTeacherConfig.fashionMnist());
  }

  @Override
  public String description() {
    return String.format(
        "CNN teacher %d/%d/%d + %d grid conv, features %d, CnnTeacherTraining.step (AdamW)",
        config.width1(), config.width2(), config.width3(), config.gridConvs(), config.featureDim());
  }

  /** The JVM's default, which the trainer takes. */
  @Override
  public int replicas() {
    return Replicas.defaultCount();
  }

  @Override
  public int batch() {
    return config.batchSize();
  }

  @Override
  public double flopsPerStep() {
    return FlopCount.trainStep(FlopCount.cnnTeacher(config), batch());
  }

  @Override
  public int defaultRuns() {
    return 9;
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    MultiDataSet data =
        new MultiDataSet(
            BenchData.images(batch(), config.channels(), config.imageSize()),
            BenchData.labels(batch(), config.numClasses()));
    try (CnnTeacherTraining training = CnnTeacherTraining.create(config, warmup + runs, 0)) {
      return Stopwatch.millis(warmup, runs, () -> training.step(data));
    }
  }
}
