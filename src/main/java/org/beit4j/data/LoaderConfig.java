package org.beit4j.data;

/**
 * How {@link ImageBatchIterator} walks a dataset.
 *
 * @param batchSize images per batch (the last batch may be smaller unless {@code dropLast})
 * @param shuffle a new seeded permutation every epoch (false: dataset order)
 * @param seed seeds the shuffling, the subset chosen by {@code limit} and every augmentation
 * @param limit use only this many images (a seeded random subset, fixed across epochs); 0 = all
 * @param dropLast leave out a final batch smaller than {@code batchSize}
 * @param badImagePolicy fail on an unreadable image, or skip it and count it
 * @param workers threads that decode and transform images of a batch (1 = the caller's thread)
 */
public record LoaderConfig(
    int batchSize,
    boolean shuffle,
    long seed,
    int limit,
    boolean dropLast,
    BadImagePolicy badImagePolicy,
    int workers) {

  /** Validates every field. */
  public LoaderConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 (0 = all images), got " + limit);
    }
    if (badImagePolicy == null) {
      throw new IllegalArgumentException("badImagePolicy must not be null");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
  }

  /** Shuffled batches of {@code batchSize} with seed 42, all images, fail on bad images. */
  public static LoaderConfig of(int batchSize) {
    return new LoaderConfig(batchSize, true, 42, 0, false, BadImagePolicy.FAIL, 1);
  }

  /** A copy with this seed. */
  public LoaderConfig withSeed(long s) {
    return new LoaderConfig(batchSize, shuffle, s, limit, dropLast, badImagePolicy, workers);
  }

  /** A copy with shuffling on or off. */
  public LoaderConfig withShuffle(boolean on) {
    return new LoaderConfig(batchSize, on, seed, limit, dropLast, badImagePolicy, workers);
  }

  /** A copy that uses at most {@code n} images (0 = all). */
  public LoaderConfig withLimit(int n) {
    return new LoaderConfig(batchSize, shuffle, seed, n, dropLast, badImagePolicy, workers);
  }

  /** A copy that drops (or keeps) a short last batch. */
  public LoaderConfig withDropLast(boolean drop) {
    return new LoaderConfig(batchSize, shuffle, seed, limit, drop, badImagePolicy, workers);
  }

  /** A copy with this bad-image policy. */
  public LoaderConfig withBadImagePolicy(BadImagePolicy p) {
    return new LoaderConfig(batchSize, shuffle, seed, limit, dropLast, p, workers);
  }

  /** A copy with this many decoding threads. */
  public LoaderConfig withWorkers(int n) {
    return new LoaderConfig(batchSize, shuffle, seed, limit, dropLast, badImagePolicy, n);
  }
}
