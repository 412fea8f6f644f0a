package org.beit4j.eval.probe;

import org.beit4j.config.Presets;
import org.beit4j.eval.FrozenEvalConfig;

/**
 * Settings of a {@link StageProbe}: the fixed split, seed, probe and k-NN of every row, and how
 * wide a code map may get.
 *
 * @param frozen subset sizes, seed, chunking, probe and k-NN settings (one split for every row)
 * @param codeMapLimit the widest per-patch code map probed ({@code N*K} columns); wider ones are
 *     left out of the table with a warning (a 7x7 grid of 8192 codes is 401,408 columns)
 */
public record StageProbeConfig(FrozenEvalConfig frozen, int codeMapLimit) {

  /**
   * {@code quick}: the quick demo's split (5,000 / 1,000 images, seed 0); {@code full}: all 60,000
   * / 10,000 images as the full recipe; {@code test}: seconds-sized, for tests.
   */
  public static final Presets<StageProbeConfig> PRESETS =
      Presets.<StageProbeConfig>of("stage-probe preset")
          .add("quick", StageProbeConfig::quick)
          .add("full", StageProbeConfig::full)
          .add("test", StageProbeConfig::test)
          .build();

  /** Validates every field. */
  public StageProbeConfig {
    if (frozen == null) {
      throw new IllegalArgumentException("frozen must not be null");
    }
    if (codeMapLimit < 1) {
      throw new IllegalArgumentException("codeMapLimit must be >= 1, got " + codeMapLimit);
    }
  }

  /** The quick demo's evaluation split: 5,000 training and 1,000 test images, seed 0. */
  public static StageProbeConfig quick() {
    return new StageProbeConfig(FrozenEvalConfig.defaults().withLimits(5_000, 1_000), 1 << 15);
  }

  /** The full recipe's: every training and test image. */
  public static StageProbeConfig full() {
    return new StageProbeConfig(FrozenEvalConfig.defaults().withLimits(0, 0), 1 << 15);
  }

  /** 128 training and 64 test images. */
  public static StageProbeConfig test() {
    return new StageProbeConfig(FrozenEvalConfig.defaults().withLimits(128, 64), 1 << 15);
  }

  /** A copy with this split (0 = all). */
  public StageProbeConfig withLimits(int train, int test) {
    return new StageProbeConfig(frozen.withLimits(train, test), codeMapLimit);
  }

  /** A copy with this seed of the subsets and the probe. */
  public StageProbeConfig withSeed(long seed) {
    return new StageProbeConfig(frozen.withSeed(seed), codeMapLimit);
  }

  /** A copy with this code-map limit. */
  public StageProbeConfig withCodeMapLimit(int limit) {
    return new StageProbeConfig(frozen, limit);
  }
}
