package org.beit4j.bench;

import java.util.Arrays;

/** Runs an action repeatedly after warm-up and reports the wall time of each timed run. */
public final class Stopwatch {

  private Stopwatch() {}

  /**
   * Wall-clock milliseconds of each of {@code runs} calls of {@code action}, after {@code warmup}
   * untimed calls.
   */
  public static double[] millis(int warmup, int runs, Runnable action) {
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "runs must be >= 1 and warmup >= 0, got runs " + runs + ", warmup " + warmup);
    }
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      action.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** Median of {@link #millis}. */
  public static double medianMillis(int warmup, int runs, Runnable action) {
    return median(millis(warmup, runs, action));
  }

  /** Median of the values (mean of the two middle ones for an even count). */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to take the median of");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }
}
