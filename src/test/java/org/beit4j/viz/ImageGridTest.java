package org.beit4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.List;
import org.beit4j.data.Image;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ImageGridTest {

  private static int grey(BufferedImage img, int x, int y) {
    int rgb = img.getRGB(x, y);
    assertEquals(rgb & 0xff, (rgb >> 16) & 0xff, "grey pixel has equal R and B");
    return rgb & 0xff;
  }

  @Test
  void tinyGridHasExactPixels() {
    // two 1x2x2 images: [[0, 0.5], [1, 2]] (2 clips to 1) and all 0.25
    Image a = new Image(1, 2, 2, new float[] {0f, 0.5f, 1f, 2f});
    Image b = new Image(1, 2, 2, new float[] {0.25f, 0.25f, 0.25f, 0.25f});
    BufferedImage pic = ImageGrid.of(List.of(a, b)).withScale(1).withGap(1).render();
    assertEquals(5, pic.getWidth()); // 2 + gap 1 + 2
    assertEquals(2, pic.getHeight());
    assertEquals(0, grey(pic, 0, 0));
    assertEquals(128, grey(pic, 1, 0)); // round(0.5 * 255)
    assertEquals(255, grey(pic, 0, 1));
    assertEquals(255, grey(pic, 1, 1));
    assertEquals(255, grey(pic, 2, 0)); // white gap
    assertEquals(64, grey(pic, 3, 0)); // round(0.25 * 255) = 64
  }

  @Test
  void scaleRepeatsPixelsAndColumnsWrap() {
    Image a = new Image(1, 1, 1, new float[] {1f});
    Image b = new Image(1, 1, 1, new float[] {0f});
    Image c = new Image(1, 1, 1, new float[] {0f});
    ImageGrid grid = ImageGrid.of(List.of(a, b, c)).withColumns(2).withScale(3).withGap(2);
    BufferedImage pic = grid.render();
    assertEquals(8, pic.getWidth()); // 3 + 2 + 3
    assertEquals(8, pic.getHeight()); // two rows
    assertEquals(255, grey(pic, 2, 2));
    assertEquals(0, grey(pic, 5, 0));
    assertEquals(0, grey(pic, 0, 5)); // third image starts row 2
    assertEquals(255, grey(pic, 5, 5)); // empty cell stays white
  }

  @Test
  void batchArrayRgbAndAutoRange() {
    // [1, 3, 1, 2]: pixel 0 = (red 1, green 0, blue 0), pixel 1 = (0, 0, 1), range -1..1 after auto
    float[] v = {1f, -1f, -1f, -1f, -1f, 1f};
    BufferedImage pic =
        ImageGrid.of(Nd4j.create(v, new long[] {1, 3, 1, 2})).withScale(1).withAutoRange().render();
    assertEquals(0xff0000, pic.getRGB(0, 0) & 0xffffff);
    assertEquals(0x0000ff, pic.getRGB(1, 0) & 0xffffff);
  }

  @Test
  void labelsAddAStripAndAreChecked() {
    Image a = new Image(1, 4, 4, new float[16]);
    ImageGrid grid = ImageGrid.of(List.of(a)).withScale(2);
    assertEquals(8, grid.height());
    assertEquals(8 + 15, grid.withLabels(List.of("x")).height());
    assertThrows(IllegalArgumentException.class, () -> grid.withLabels(List.of("x", "y")));
    assertThrows(IllegalArgumentException.class, () -> grid.withRange(1f, 1f));
  }

  @Test
  void tilePlacesPicturesSideBySide() {
    BufferedImage red = new BufferedImage(2, 3, BufferedImage.TYPE_INT_RGB);
    BufferedImage blue = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
    red.setRGB(1, 2, 0xff0000);
    blue.setRGB(3, 0, 0x0000ff);
    BufferedImage pic = ImageGrid.tile(List.of(red, blue, red), 2, 1);
    assertEquals(2 + 1 + 4, pic.getWidth());
    assertEquals(3 + 1 + 3, pic.getHeight());
    assertEquals(0xff0000, pic.getRGB(1, 2) & 0xffffff);
    assertEquals(0x0000ff, pic.getRGB(6, 0) & 0xffffff);
    assertEquals(0xffffff, pic.getRGB(6, 2) & 0xffffff); // below the short picture
    assertEquals(0xff0000, pic.getRGB(1, 6) & 0xffffff); // third picture on row 2
  }
}
