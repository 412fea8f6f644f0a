package org.beit4j.bench;

/**
 * One stage's figures.
 *
 * @param name the stage ({@link StageBench#name()})
 * @param description what a step is
 * @param batch images per step
 * @param replicas graph replicas the step ran on
 * @param warmup untimed steps
 * @param stepMillis wall milliseconds of each timed step
 * @param flopsPerStep matmul FLOPs of one step ({@link FlopCount})
 * @param gemmGflops the host's GEMM GFLOP/s measured right before the stage, on the same threads
 * @param memory peak heap, off-heap and resident bytes while the stage ran (build included)
 */
public record BenchResult(
    String name,
    String description,
    int batch,
    int replicas,
    int warmup,
    double[] stepMillis,
    double flopsPerStep,
    double gemmGflops,
    MemorySampler.Peaks memory) {

  /** Validates the timings. */
  public BenchResult {
    if (stepMillis == null || stepMillis.length == 0) {
      throw new IllegalArgumentException("stage " + name + " has no timed steps");
    }
    stepMillis = stepMillis.clone();
  }

  /** Median wall milliseconds per step. */
  public double medianMillis() {
    return Stopwatch.median(stepMillis);
  }

  /** Timed steps. */
  public int runs() {
    return stepMillis.length;
  }

  /** Images per second at the median step time. */
  public double imagesPerSecond() {
    return batch * 1000.0 / medianMillis();
  }

  /** Counted FLOPs over the median step time, in GFLOP/s. */
  public double achievedGflops() {
    return flopsPerStep / (medianMillis() * 1e6);
  }

  /** Model FLOP utilisation: achieved GFLOP/s over the GEMM GFLOP/s of the same run. */
  public double mfu() {
    return achievedGflops() / gemmGflops;
  }
}
