package org.beit4j.pretrain;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BEiT's block-wise mask generator (plain Java, seeded, allocation-light).
 *
 * <p>One mask: repeatedly draw a block area {@code s ~ U[minPatches, min(maxPatches, left)]} and an
 * aspect ratio {@code r = exp(U[log a, -log a])}, giving {@code h = round(sqrt(s r))}, {@code w =
 * round(sqrt(s / r))}; a block that fits strictly inside the grid is placed at a uniform position
 * and accepted if it masks at least one new patch without overshooting the patches left (up to 10
 * tries per block). When no block fits any more, or the count is overshot, random single patches
 * are added or removed until exactly {@code numMasked} are masked.
 *
 * <p>Masks are a pure function of {@code (seed, index)}: {@link #batch(long, int)} draws image
 * {@code b} of step {@code s} from {@code seed} mixed with {@code s} and {@code b}, so a resumed
 * run sees the masks an uninterrupted run would.
 */
public final class BlockMasking {

  private static final int TRIES = 10;

  private final MaskingConfig config;
  private final long seed;

  public BlockMasking(MaskingConfig config, long seed) {
    this.config = config;
    this.seed = seed;
  }

  public MaskingConfig config() {
    return config;
  }

  /** The mask of image {@code index} of step {@code step}: {@code N} flags, row-major. */
  public boolean[] mask(long step, int index) {
    long mixed = seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL + index * 0x165667B1L;
    return draw(new SplittableRandom(mixed));
  }

  /** The masks of a batch as a float 0/1 array {@code [B, N]} (1 = masked). */
  public INDArray batch(long step, int batchSize) {
    return batch(step, 0, batchSize);
  }

  /**
   * Rows {@code [from, from + count)} of {@link #batch(long, int)}: the masks of a shard of a
   * step's batch, for a worker that holds only those images.
   */
  public INDArray batch(long step, int from, int count) {
    int n = config.numPatches();
    float[] flat = new float[count * n];
    for (int b = 0; b < count; b++) {
      boolean[] m = mask(step, from + b);
      for (int i = 0; i < n; i++) {
        flat[b * n + i] = m[i] ? 1f : 0f;
      }
    }
    return Nd4j.create(flat, new long[] {count, n}, 'c').castTo(DataType.FLOAT);
  }

  /** One mask drawn from {@code rnd}. */
  public boolean[] draw(SplittableRandom rnd) {
    int g = config.gridSize();
    boolean[] mask = new boolean[g * g];
    int count = 0;
    while (count < config.numMasked()) {
      int left = Math.min(config.numMasked() - count, config.maxPatches());
      int added = placeBlock(mask, left, rnd);
      if (added == 0) {
        break;
      }
      count += added;
    }
    return exact(mask, count, rnd);
  }

  /** Tries up to 10 blocks; returns the number of newly masked patches of the accepted one. */
  private int placeBlock(boolean[] mask, int maxNew, SplittableRandom rnd) {
    int g = config.gridSize();
    double logMin = Math.log(config.minAspect());
    for (int t = 0; t < TRIES; t++) {
      double area = config.minPatches() + rnd.nextDouble() * (maxNew - config.minPatches());
      double aspect = Math.exp(logMin + rnd.nextDouble() * (-2 * logMin));
      int h = (int) Math.round(Math.sqrt(area * aspect));
      int w = (int) Math.round(Math.sqrt(area / aspect));
      if (h < 1 || w < 1 || h >= g || w >= g) {
        continue;
      }
      int top = rnd.nextInt(g - h + 1);
      int leftCol = rnd.nextInt(g - w + 1);
      int fresh = 0;
      for (int y = top; y < top + h; y++) {
        for (int x = leftCol; x < leftCol + w; x++) {
          fresh += mask[y * g + x] ? 0 : 1;
        }
      }
      if (fresh > 0 && fresh <= maxNew) {
        for (int y = top; y < top + h; y++) {
          for (int x = leftCol; x < leftCol + w; x++) {
            mask[y * g + x] = true;
          }
        }
        return fresh;
      }
    }
    return 0;
  }

  /** Adds or removes random patches until exactly {@code numMasked} are set. */
  private boolean[] exact(boolean[] mask, int count, SplittableRandom rnd) {
    int target = config.numMasked();
    while (count != target) {
      boolean add = count < target;
      // pick the k-th patch among those that must change, k uniform
      int candidates = add ? mask.length - count : count;
      int k = rnd.nextInt(candidates);
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] != add && k-- == 0) {
          mask[i] = add;
          break;
        }
      }
      count += add ? 1 : -1;
    }
    return mask;
  }

  /**
   * A picture of a mask: {@code cell x cell} pixels per patch, masked patches dark grey, visible
   * ones white, with a light grid.
   */
  public static BufferedImage image(boolean[] mask, int gridSize, int cell) {
    int side = gridSize * cell;
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int masked = new Color(60, 60, 60).getRGB();
    int visible = Color.WHITE.getRGB();
    int line = new Color(200, 200, 200).getRGB();
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        boolean border = cell > 2 && (x % cell == 0 || y % cell == 0);
        boolean m = mask[(y / cell) * gridSize + x / cell];
        img.setRGB(x, y, border ? line : m ? masked : visible);
      }
    }
    return img;
  }
}
