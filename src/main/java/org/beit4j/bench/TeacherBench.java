package org.beit4j.bench;

import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The CNN teacher's training step: {@code fit} (forward, backward, Adam) on the graph {@link
 * CnnTeacher#train} trains, at the preset's batch.
 */
public record TeacherBench(String name, CnnTeacherConfig config) implements StageBench {

  /** The demo's teacher, {@link CnnTeacherConfig#fashionMnist()} (batch 128). */
  public static TeacherBench demo() {
    return new TeacherBench("teacher", CnnTeacherConfig.fashionMnist());
  }

  @Override
  public String description() {
    return String.format(
        "CNN teacher %d/%d/%d + %d grid conv, features %d, fit (Adam)",
        config.width1(), config.width2(), config.width3(), config.gridConvs(), config.featureDim());
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
    SameDiff sd = CnnTeacher.trainingGraph(config, warmup + runs);
    MultiDataSet data =
        new MultiDataSet(
            BenchData.images(batch(), config.channels(), config.imageSize()),
            BenchData.labels(batch(), config.numClasses()));
    return Stopwatch.millis(warmup, runs, () -> sd.fit(data));
  }
}
