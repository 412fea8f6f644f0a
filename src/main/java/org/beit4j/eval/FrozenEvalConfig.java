package org.beit4j.eval;

/**
 * Settings of a {@link FrozenEvaluation}.
 *
 * @param trainLimit training images used (a seeded subset), 0 = all
 * @param testLimit held-out images used (a seeded subset), 0 = all
 * @param seed picks the subsets
 * @param chunk images per forward pass of a feature source (see {@link
 *     FeatureSource#DEFAULT_CHUNK})
 * @param probe linear probe settings
 * @param k neighbours of the k-NN vote (capped at the number of training images)
 * @param temperature k-NN vote temperature {@code T} (0 = plain majority)
 */
public record FrozenEvalConfig(
    int trainLimit,
    int testLimit,
    long seed,
    int chunk,
    LinearProbeConfig probe,
    int k,
    double temperature) {

  /** Validates every field. */
  public FrozenEvalConfig {
    if (trainLimit < 0) {
      throw new IllegalArgumentException("trainLimit must be >= 0 (0 = all), got " + trainLimit);
    }
    if (testLimit < 0) {
      throw new IllegalArgumentException("testLimit must be >= 0 (0 = all), got " + testLimit);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    }
    if (probe == null) {
      throw new IllegalArgumentException("probe must not be null");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
  }

  /** 10000 training and 2000 test images, seed 0, chunks of 64, default probe, DINO's k-NN. */
  public static FrozenEvalConfig defaults() {
    return new FrozenEvalConfig(
        10_000, 2_000, 0, FeatureSource.DEFAULT_CHUNK, LinearProbeConfig.defaults(), 20, 0.07);
  }

  /** A copy with these subset sizes (0 = all). */
  public FrozenEvalConfig withLimits(int train, int test) {
    return new FrozenEvalConfig(train, test, seed, chunk, probe, k, temperature);
  }

  /** A copy with this subset seed. */
  public FrozenEvalConfig withSeed(long s) {
    return new FrozenEvalConfig(trainLimit, testLimit, s, chunk, probe, k, temperature);
  }

  /** A copy with this chunk size. */
  public FrozenEvalConfig withChunk(int c) {
    return new FrozenEvalConfig(trainLimit, testLimit, seed, c, probe, k, temperature);
  }

  /** A copy with these probe settings. */
  public FrozenEvalConfig withProbe(LinearProbeConfig p) {
    return new FrozenEvalConfig(trainLimit, testLimit, seed, chunk, p, k, temperature);
  }
}
