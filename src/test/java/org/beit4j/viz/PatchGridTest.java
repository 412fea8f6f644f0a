package org.beit4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.beit4j.data.Image;
import org.junit.jupiter.api.Test;

class PatchGridTest {

  /** 4x4 grey image whose value is 1 in the top-right 2x2 patch, else 0. */
  private static Image quadrant() {
    float[] v = new float[16];
    for (int y = 0; y < 2; y++) {
      for (int x = 2; x < 4; x++) {
        v[y * 4 + x] = 1f;
      }
    }
    return new Image(1, 4, 4, v);
  }

  @Test
  void boundariesDrawLinesBetweenPatches() {
    BufferedImage pic = PatchGrid.boundaries(quadrant(), 2, 3, false);
    assertEquals(12, pic.getWidth());
    assertEquals(PatchGrid.LINE.getRGB(), pic.getRGB(6, 1)); // vertical line at x = 2 * 3
    assertEquals(PatchGrid.LINE.getRGB(), pic.getRGB(1, 6));
    assertEquals(0xffffff, pic.getRGB(9, 2) & 0xffffff); // inside the white patch
    assertEquals(0, pic.getRGB(2, 9) & 0xffffff); // inside a black patch
  }

  @Test
  void explodedSeparatesPatchesByTheGap() {
    BufferedImage pic = PatchGrid.exploded(quadrant(), 2, 1, 3, false);
    assertEquals(7, pic.getWidth()); // 2 + 3 + 2
    assertEquals(0xffffff, pic.getRGB(5, 0) & 0xffffff); // patch 1 starts at x = 5
    assertEquals(0, pic.getRGB(0, 5) & 0xffffff); // patch 2 starts at y = 5
    assertEquals(0, pic.getRGB(1, 1) & 0xffffff);
  }

  @Test
  void sequenceLaysPatchesInReadingOrder() {
    BufferedImage pic = PatchGrid.sequence(quadrant(), 2, 1, 4);
    assertEquals(4 * 2 + 3 * 3, pic.getWidth());
    assertEquals(0, pic.getRGB(0, 0) & 0xffffff); // patch 0 black
    assertEquals(0xffffff, pic.getRGB(5, 0) & 0xffffff); // patch 1 white
    assertEquals(0, pic.getRGB(10, 0) & 0xffffff); // patch 2 black
    assertThrows(IllegalArgumentException.class, () -> PatchGrid.sequence(quadrant(), 3, 1, 4));
  }
}
