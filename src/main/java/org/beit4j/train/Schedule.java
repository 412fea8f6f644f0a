package org.beit4j.train;

/**
 * A learning-rate schedule: linear warm-up to a peak, then a half cosine down to a floor at the
 * last step ({@link WarmupCosineSchedule}).
 *
 * @param learningRate the peak, reached after the warm-up
 * @param minLearningRate the floor the cosine ends at
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps steps of the whole run (the cosine ends here)
 */
public record Schedule(
    double learningRate, double minLearningRate, int warmupSteps, int totalSteps) {

  /** Validates every field; messages name the field and the value. */
  public Schedule {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be > 0 but was " + learningRate);
    }
    if (!(minLearningRate >= 0) || minLearningRate > learningRate) {
      throw new IllegalArgumentException(
          "need 0 <= minLearningRate <= learningRate but got learningRate="
              + learningRate
              + ", minLearningRate="
              + minLearningRate);
    }
    checkSteps(warmupSteps, totalSteps);
  }

  /** Fails unless {@code 0 <= warmupSteps <= totalSteps} and {@code totalSteps >= 1}. */
  static void checkSteps(int warmupSteps, int totalSteps) {
    if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "need totalSteps >= 1 and 0 <= warmupSteps <= totalSteps but got warmupSteps="
              + warmupSteps
              + ", totalSteps="
              + totalSteps);
    }
  }

  /** A copy with another peak; the floor is kept, or lowered to the new peak if above it. */
  public Schedule withLearningRate(double peak) {
    return new Schedule(peak, Math.min(minLearningRate, peak), warmupSteps, totalSteps);
  }

  public Schedule withMinLearningRate(double floor) {
    return new Schedule(learningRate, floor, warmupSteps, totalSteps);
  }

  /** A copy with another length; the warm-up is cut to fit below it. */
  public Schedule withTotalSteps(int total) {
    return new Schedule(
        learningRate, minLearningRate, Math.min(warmupSteps, Math.max(0, total - 1)), total);
  }

  public Schedule withWarmupSteps(int warmup) {
    return new Schedule(learningRate, minLearningRate, warmup, totalSteps);
  }

  /** The per-step rates as an ND4J schedule. */
  public WarmupCosineSchedule toWarmupCosine() {
    return new WarmupCosineSchedule(learningRate, minLearningRate, warmupSteps, totalSteps);
  }
}
