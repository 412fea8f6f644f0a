package org.beit4j.bench;

/**
 * One stage's step for {@code bin/beit4j bench}: what it is, how many FLOPs a step does (counted by
 * {@link FlopCount}) and how to time it.
 */
public interface StageBench {

  /** Short name for {@code --stage}, e.g. {@code mim-demo}. */
  String name();

  /** What one step is: model, batch, which library call. */
  String description();

  /** Images per step. */
  int batch();

  /** Matmul FLOPs of one step on the whole batch (training steps count 3 forwards). */
  double flopsPerStep();

  /**
   * Graph replicas a step runs on ({@link org.beit4j.train.Replicas}); 1 for the stages whose
   * trainers do not use replicas yet.
   */
  default int replicas() {
    return 1;
  }

  /** Untimed steps before the timed ones in a default run (the first builds the gradient graph). */
  default int defaultWarmup() {
    return 2;
  }

  /** Timed steps in a default run. */
  default int defaultRuns() {
    return 5;
  }

  /**
   * The warm-up steps the stage really runs when asked for {@code requested} (more when the stage's
   * first steps are not representative).
   */
  default int warmupFor(int requested) {
    return requested;
  }

  /**
   * Builds the stage's model and data (untimed), runs {@code warmup} untimed steps, then {@code
   * runs} timed ones.
   *
   * @return wall milliseconds of each timed step, in order
   */
  double[] stepMillis(int warmup, int runs);
}
