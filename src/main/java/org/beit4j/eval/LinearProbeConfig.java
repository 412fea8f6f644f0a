package org.beit4j.eval;

/**
 * Settings of a {@link LinearProbe}.
 *
 * @param epochs passes of Adam over the training features
 * @param learningRate Adam step size
 * @param l2 weight decay coefficient {@code lambda} of the {@code lambda/2 ||W||^2} penalty
 * @param batchSize rows per step
 * @param seed seeds the order of the rows
 */
public record LinearProbeConfig(
    int epochs, double learningRate, double l2, int batchSize, long seed) {

  /** Validates every field. */
  public LinearProbeConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /**
   * 30 epochs of Adam at 1e-2, l2 1e-4, batches of 256, seed 0: enough for standardised features.
   */
  public static LinearProbeConfig defaults() {
    return new LinearProbeConfig(30, 1e-2, 1e-4, 256, 0);
  }

  /** A copy with this number of epochs. */
  public LinearProbeConfig withEpochs(int e) {
    return new LinearProbeConfig(e, learningRate, l2, batchSize, seed);
  }

  /** A copy with this weight decay. */
  public LinearProbeConfig withL2(double lambda) {
    return new LinearProbeConfig(epochs, learningRate, lambda, batchSize, seed);
  }
}
