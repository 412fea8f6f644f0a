package org.beit4j.pretrain;

/**
 * Block-wise masking as in BEiT (Bao et al. 2021, algorithm 1) on a {@code G x G} patch grid.
 *
 * <p>Rectangular blocks of {@code s in [minPatches, maxPatches]} patches with an aspect ratio drawn
 * log-uniformly from {@code [minAspect, 1 / minAspect]} are placed until {@code numMasked} patches
 * are masked; the result is then topped up with random single patches or trimmed to exactly {@code
 * numMasked} (BEiT v2's generator does the same).
 *
 * @param gridSize patches per side {@code G}
 * @param numMasked patches masked per image, {@code 1 <= numMasked < G^2}
 * @param minPatches smallest block, {@code >= 1}
 * @param maxPatches largest block, {@code >= minPatches}
 * @param minAspect smallest aspect ratio, in {@code (0, 1]}
 */
public record MaskingConfig(
    int gridSize, int numMasked, int minPatches, int maxPatches, double minAspect) {

  /** BEiT's 224/16 defaults: 75 of 196 patches (38%), blocks of at least 16. */
  public static final int BEIT_GRID = 14;

  public static final int BEIT_MASKED = 75;
  public static final int BEIT_MIN_PATCHES = 16;
  public static final double BEIT_MIN_ASPECT = 0.3;

  public MaskingConfig {
    if (gridSize < 2) {
      throw new IllegalArgumentException("gridSize must be >= 2 but was " + gridSize);
    }
    int n = gridSize * gridSize;
    if (numMasked < 1 || numMasked >= n) {
      throw new IllegalArgumentException(
          "numMasked must be in [1, "
              + (n - 1)
              + "] for a "
              + gridSize
              + "x"
              + gridSize
              + " grid but was "
              + numMasked);
    }
    if (minPatches < 1) {
      throw new IllegalArgumentException("minPatches must be >= 1 but was " + minPatches);
    }
    if (maxPatches < minPatches) {
      throw new IllegalArgumentException(
          "maxPatches " + maxPatches + " must be >= minPatches " + minPatches);
    }
    if (!(minAspect > 0 && minAspect <= 1)) {
      throw new IllegalArgumentException("minAspect must be in (0, 1] but was " + minAspect);
    }
  }

  /**
   * Defaults for any grid, scaled from BEiT's 14 x 14 so that the masked fraction (75/196) and the
   * smallest block's share of the image (16/196) stay the same: {@code numMasked = round(N *
   * 75/196)}, {@code minPatches = max(1, round(N * 16/196))}, {@code maxPatches = numMasked} (BEiT:
   * no separate cap), {@code minAspect = 0.3}. 14 -> 75/16, 7 -> 19/4 (39%), 8 -> 24/5.
   */
  public static MaskingConfig forGrid(int gridSize) {
    int n = gridSize * gridSize;
    int base = BEIT_GRID * BEIT_GRID;
    int masked = Math.max(1, (int) Math.round((double) n * BEIT_MASKED / base));
    int min = Math.max(1, (int) Math.round((double) n * BEIT_MIN_PATCHES / base));
    return new MaskingConfig(gridSize, masked, min, masked, BEIT_MIN_ASPECT);
  }

  /** Patches per image {@code N = G^2}. */
  public int numPatches() {
    return gridSize * gridSize;
  }

  /** The masked fraction {@code numMasked / N}. */
  public double ratio() {
    return (double) numMasked / numPatches();
  }

  public MaskingConfig withNumMasked(int v) {
    return new MaskingConfig(gridSize, v, minPatches, Math.max(maxPatches, minPatches), minAspect);
  }

  public MaskingConfig withMinPatches(int v) {
    return new MaskingConfig(gridSize, numMasked, v, Math.max(maxPatches, v), minAspect);
  }

  public MaskingConfig withMaxPatches(int v) {
    return new MaskingConfig(gridSize, numMasked, minPatches, v, minAspect);
  }

  public MaskingConfig withMinAspect(double v) {
    return new MaskingConfig(gridSize, numMasked, minPatches, maxPatches, v);
  }
}
