package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class BlockMaskingTest {

  @Test
  void defaultsScaleFromBeit() {
    MaskingConfig beit = MaskingConfig.forGrid(14);
    assertEquals(75, beit.numMasked());
    assertEquals(16, beit.minPatches());
    assertEquals(75, beit.maxPatches());
    assertEquals(0.3, beit.minAspect());
    MaskingConfig mnist = MaskingConfig.forGrid(7);
    assertEquals(19, mnist.numMasked());
    assertEquals(4, mnist.minPatches());
    assertEquals(0.388, mnist.ratio(), 1e-3);
  }

  @Test
  void shardRowsAreTheRowsOfTheWholeBatch() {
    BlockMasking gen = new BlockMasking(MaskingConfig.forGrid(7), 11);
    INDArray whole = gen.batch(3, 6); // [6, 49]
    INDArray rows = gen.batch(3, 2, 3); // [3, 49]
    assertEquals(3, rows.size(0));
    assertEquals(
        whole.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 5)), rows, "rows 2..4");
    assertEquals(whole.getRow(0), gen.batch(3, 0, 1).getRow(0));
  }

  @Test
  void exactCountForManySeeds() {
    for (int grid : new int[] {7, 14}) {
      BlockMasking gen = new BlockMasking(MaskingConfig.forGrid(grid), 123);
      for (int step = 0; step < 400; step++) {
        boolean[] m = gen.mask(step, step % 5);
        assertEquals(MaskingConfig.forGrid(grid).numMasked(), count(m), "grid " + grid);
      }
    }
  }

  @Test
  void masksAreBlocksNotScatteredPatches() {
    int grid = 14;
    BlockMasking gen = new BlockMasking(MaskingConfig.forGrid(grid), 7);
    SplittableRandom rnd = new SplittableRandom(1);
    double blockNeighbours = 0;
    double randomNeighbours = 0;
    double blockComponents = 0;
    double randomComponents = 0;
    double[] frequency = new double[grid * grid];
    int masks = 1000;
    for (int s = 0; s < masks; s++) {
      boolean[] m = gen.mask(s, 0);
      boolean[] r = randomMask(grid, 75, rnd);
      blockNeighbours += maskedNeighbourShare(m, grid);
      randomNeighbours += maskedNeighbourShare(r, grid);
      blockComponents += components(m, grid);
      randomComponents += components(r, grid);
      for (int i = 0; i < m.length; i++) {
        frequency[i] += m[i] ? 1.0 / masks : 0;
      }
    }
    // a masked patch has on average ~2.9 masked 4-neighbours in blocks, ~1.3 at random
    assertTrue(blockNeighbours / masks > 2.5, "block " + blockNeighbours / masks);
    assertTrue(randomNeighbours / masks < 1.6, "random " + randomNeighbours / masks);
    // a handful of blocks vs ~15 scattered clusters
    assertTrue(blockComponents / masks < 5, "block components " + blockComponents / masks);
    assertTrue(randomComponents / masks > 10, "random components " + randomComponents / masks);
    // every patch gets masked sometimes; as in BEiT (uniform block positions) the centre (~70%)
    // far more often than the corners (~4%), which only blocks touching them cover
    double min = Arrays.stream(frequency).min().orElseThrow();
    double max = Arrays.stream(frequency).max().orElseThrow();
    assertTrue(min > 0.02 && max < 0.8, "frequency range " + min + " .. " + max);
    assertTrue(frequency[7 * grid + 7] > 5 * frequency[0], "centre vs corner");
  }

  @Test
  void blocksHaveBothOrientations() {
    // one block per mask (numMasked = maxPatches = minPatches region): compare height and width
    MaskingConfig one = new MaskingConfig(14, 24, 24, 24, 0.3);
    BlockMasking gen = new BlockMasking(one, 3);
    double tall = 0;
    double wide = 0;
    for (int s = 0; s < 600; s++) {
      boolean[] m = gen.mask(s, 0);
      int[] box = boundingBox(m, 14);
      tall += box[0] > box[1] ? 1 : 0;
      wide += box[1] > box[0] ? 1 : 0;
    }
    assertTrue(tall > 150 && wide > 150, "tall " + tall + " wide " + wide);
    assertEquals(1.0, (tall + wide) / Math.max(tall, wide) / 2, 0.2);
  }

  @Test
  void seededPerStepAndIndex() {
    BlockMasking a = new BlockMasking(MaskingConfig.forGrid(7), 5);
    BlockMasking b = new BlockMasking(MaskingConfig.forGrid(7), 5);
    assertArrayEquals(a.mask(17, 2), b.mask(17, 2));
    assertFalse(Arrays.equals(a.mask(17, 2), a.mask(18, 2)));
    assertFalse(Arrays.equals(a.mask(17, 2), a.mask(17, 3)));
    assertFalse(
        Arrays.equals(a.mask(17, 2), new BlockMasking(MaskingConfig.forGrid(7), 6).mask(17, 2)));
    INDArray batch = a.batch(17, 4);
    assertArrayEquals(new long[] {4, 49}, batch.shape());
    assertEquals(4 * 19, batch.sumNumber().doubleValue(), 0);
    assertEquals(a.mask(17, 2)[10] ? 1.0 : 0.0, batch.getDouble(2, 10), 0);
  }

  @Test
  void pictureShowsTheMask() {
    boolean[] m = new BlockMasking(MaskingConfig.forGrid(7), 1).mask(0, 0);
    BufferedImage img = BlockMasking.image(m, 7, 8);
    assertEquals(56, img.getWidth());
    for (int i = 0; i < 49; i++) {
      int rgb = img.getRGB((i % 7) * 8 + 4, (i / 7) * 8 + 4) & 0xFFFFFF;
      assertEquals(m[i] ? 0x3C3C3C : 0xFFFFFF, rgb, "patch " + i);
    }
  }

  @Test
  void badConfigsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MaskingConfig(7, 49, 4, 49, .3));
    assertTrue(e.getMessage().contains("numMasked"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MaskingConfig(7, 19, 5, 4, .3));
    assertTrue(e.getMessage().contains("maxPatches 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MaskingConfig(7, 19, 4, 19, 1.5));
    assertTrue(e.getMessage().contains("minAspect"), e.getMessage());
  }

  // ---- helpers -------------------------------------------------------------------------------

  static int count(boolean[] m) {
    int c = 0;
    for (boolean b : m) {
      c += b ? 1 : 0;
    }
    return c;
  }

  private static boolean[] randomMask(int grid, int k, SplittableRandom rnd) {
    boolean[] m = new boolean[grid * grid];
    int c = 0;
    while (c < k) {
      int i = rnd.nextInt(m.length);
      if (!m[i]) {
        m[i] = true;
        c++;
      }
    }
    return m;
  }

  /** Mean number of masked 4-neighbours of a masked patch. */
  private static double maskedNeighbourShare(boolean[] m, int g) {
    double total = 0;
    int masked = 0;
    for (int y = 0; y < g; y++) {
      for (int x = 0; x < g; x++) {
        if (!m[y * g + x]) {
          continue;
        }
        masked++;
        total += (x > 0 && m[y * g + x - 1] ? 1 : 0) + (x < g - 1 && m[y * g + x + 1] ? 1 : 0);
        total += (y > 0 && m[(y - 1) * g + x] ? 1 : 0) + (y < g - 1 && m[(y + 1) * g + x] ? 1 : 0);
      }
    }
    return total / masked;
  }

  /** Number of 4-connected components of masked patches. */
  private static int components(boolean[] m, int g) {
    boolean[] seen = new boolean[m.length];
    int n = 0;
    int[] stack = new int[m.length];
    for (int i = 0; i < m.length; i++) {
      if (!m[i] || seen[i]) {
        continue;
      }
      n++;
      int top = 0;
      stack[top++] = i;
      seen[i] = true;
      while (top > 0) {
        int p = stack[--top];
        int y = p / g;
        int x = p % g;
        int[] next = {
          x > 0 ? p - 1 : -1, x < g - 1 ? p + 1 : -1, y > 0 ? p - g : -1, y < g - 1 ? p + g : -1
        };
        for (int q : next) {
          if (q >= 0 && m[q] && !seen[q]) {
            seen[q] = true;
            stack[top++] = q;
          }
        }
      }
    }
    return n;
  }

  /** {height, width} of the bounding box of the masked patches. */
  private static int[] boundingBox(boolean[] m, int g) {
    int y0 = g;
    int y1 = -1;
    int x0 = g;
    int x1 = -1;
    for (int i = 0; i < m.length; i++) {
      if (m[i]) {
        y0 = Math.min(y0, i / g);
        y1 = Math.max(y1, i / g);
        x0 = Math.min(x0, i % g);
        x1 = Math.max(x1, i % g);
      }
    }
    return new int[] {y1 - y0 + 1, x1 - x0 + 1};
  }
}
