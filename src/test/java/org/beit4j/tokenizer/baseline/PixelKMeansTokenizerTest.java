package org.beit4j.tokenizer.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PixelKMeansTokenizerTest {

  @TempDir Path tmp;

  /** Pattern of patch (py, px) of image b: 0 flat, 1 horizontal edge, 2 vertical edge, 3 dot. */
  static int pattern(int b, int py, int px) {
    return (b * 7 + py * 3 + px * 5 + py * px) % 4;
  }

  /** 28 x 28 images of 4 x 4 patches drawn from 4 patterns with random brightness offsets. */
  static INDArray images(int count, long seed) {
    Random r = new Random(seed);
    float[] px = new float[count * 28 * 28];
    for (int b = 0; b < count; b++) {
      for (int py = 0; py < 7; py++) {
        for (int pxx = 0; pxx < 7; pxx++) {
          int p = pattern(b, py, pxx);
          double offset = 0.2 + 0.4 * r.nextDouble();
          for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
              double v =
                  switch (p) {
                    case 0 -> 0;
                    case 1 -> y < 2 ? 0.3 : -0.1;
                    case 2 -> x < 2 ? 0.3 : -0.1;
                    default -> (x == 1 || x == 2) && (y == 1 || y == 2) ? 0.35 : -0.05;
                  };
              px[b * 784 + (py * 4 + y) * 28 + pxx * 4 + x] =
                  (float) (offset + v + 0.01 * r.nextGaussian());
            }
          }
        }
      }
    }
    return Nd4j.create(px, new long[] {count, 1, 28, 28}, 'c');
  }

  @Test
  void clustersPatchPatternsIgnoringBrightness() {
    PixelKMeansTokenizer tok = PixelKMeansTokenizer.fit(images(20, 1), 4, 4, false, 10, 3);
    assertEquals(4, tok.codebookSize());
    assertEquals(7, tok.gridSize());
    int[][] codes = tok.tokenize(images(6, 2));
    assertEquals(6, codes.length);
    assertEquals(49, codes[0].length);
    // each pattern maps to one code and different patterns to different codes (purity 1)
    int[] codeOf = {-1, -1, -1, -1};
    for (int b = 0; b < 6; b++) {
      for (int i = 0; i < 49; i++) {
        int p = pattern(b, i / 7, i % 7);
        if (codeOf[p] < 0) {
          codeOf[p] = codes[b][i];
        }
        assertEquals(codeOf[p], codes[b][i], "image " + b + " patch " + i);
      }
    }
    assertEquals(4, java.util.Arrays.stream(codeOf).distinct().count());
  }

  @Test
  void patchesAreCentredAndOptionallyNormalised() {
    INDArray img =
        Nd4j.arange(0, 16).reshape(1, 1, 4, 4).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    INDArray p = PixelKMeansTokenizer.patches(img, 2, false); // 4 patches of 4 values
    assertArrayEquals(new long[] {4, 4}, p.shape());
    // patch (0,0) = {0, 1, 4, 5}, mean 2.5
    assertArrayEquals(new float[] {-2.5f, -1.5f, 1.5f, 2.5f}, p.getRow(0).toFloatVector(), 1e-6f);
    INDArray n = PixelKMeansTokenizer.patches(img, 2, true);
    double rms = Math.sqrt((2.5 * 2.5 + 1.5 * 1.5) / 2);
    assertEquals(-2.5 / rms, n.getDouble(0, 0), 1e-5);
    assertEquals(1.0, n.getRow(3).norm2Number().doubleValue() / 2, 1e-5);
  }

  @Test
  void saveLoadGivesTheSameTokens() {
    PixelKMeansTokenizer tok = PixelKMeansTokenizer.fit(images(10, 4), 4, 8, true, 5, 1);
    PixelKMeansTokenizer back = PixelKMeansTokenizer.load(tok.save(tmp.resolve("tok")));
    INDArray x = images(3, 9);
    assertArrayEquals(tok.tokenize(x), back.tokenize(x));
    assertEquals(tok.id(), back.id());
    assertEquals("pixel-kmeans:8:norm:p4", back.id());
    assertEquals(tok.centres(), back.centres());
  }

  @Test
  void badInputIsExplained() {
    PixelKMeansTokenizer tok = PixelKMeansTokenizer.fit(images(4, 4), 4, 4, false, 2, 1);
    var e =
        assertThrows(IllegalArgumentException.class, () -> tok.tokenize(Nd4j.rand(2, 1, 32, 32)));
    assertTrue(e.getMessage().contains("[B, 1, 28, 28]"), e.getMessage());
    var k =
        assertThrows(
            IllegalArgumentException.class,
            () -> PixelKMeansTokenizer.fit(images(1, 1), 4, 100, false, 2, 1));
    assertTrue(k.getMessage().contains("k=100"), k.getMessage());
    var none =
        assertThrows(
            org.beit4j.io.ArtefactException.class,
            () -> PixelKMeansTokenizer.load(tmp.resolve("none")));
    assertTrue(none.getMessage().contains("none: nothing there"), none.getMessage());
  }
}
