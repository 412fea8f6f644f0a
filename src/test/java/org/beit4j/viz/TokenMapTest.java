package org.beit4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.beit4j.data.Image;
import org.junit.jupiter.api.Test;

class TokenMapTest {

  @Test
  void colourIsStablePerCodeAndDistinctForNeighbours() {
    assertEquals(TokenMap.colour(7), TokenMap.colour(7));
    Set<Integer> seen = new HashSet<>();
    for (int k = 0; k < 64; k++) {
      seen.add(TokenMap.colour(k).getRGB());
    }
    assertEquals(64, seen.size(), "64 codes, 64 colours");
    assertThrows(IllegalArgumentException.class, () -> TokenMap.colour(-1));
  }

  @Test
  void sameCodeSameColourInEveryCell() {
    int[] codes = {3, 5, 3, 9};
    BufferedImage pic = TokenMap.render(codes, 2, 4, false);
    assertEquals(8, pic.getWidth());
    assertEquals(8, pic.getHeight());
    int c3 = TokenMap.colour(3).getRGB();
    assertEquals(c3, pic.getRGB(1, 1));
    assertEquals(c3, pic.getRGB(1, 5)); // cell 2 is (row 1, col 0)
    assertEquals(TokenMap.colour(5).getRGB(), pic.getRGB(6, 2));
    assertEquals(TokenMap.colour(9).getRGB(), pic.getRGB(7, 7));
    assertNotEquals(pic.getRGB(6, 2), pic.getRGB(7, 7));
    assertThrows(IllegalArgumentException.class, () -> TokenMap.render(new int[3], 2, 4, false));
  }

  @Test
  void overlayBlendsPixelAndCodeColour() {
    Image black = new Image(1, 4, 4, new float[16]);
    int[] codes = {0, 1, 2, 3};
    BufferedImage pic = TokenMap.overlay(black, codes, 2, 1, 0.5);
    Color c = TokenMap.colour(3);
    int rgb = pic.getRGB(3, 3);
    assertEquals(Math.round(c.getRed() * 0.5), (rgb >> 16) & 0xff);
    assertEquals(Math.round(c.getGreen() * 0.5), (rgb >> 8) & 0xff);
    assertEquals(Math.round(c.getBlue() * 0.5), rgb & 0xff);
    assertEquals(0, TokenMap.overlay(black, codes, 2, 1, 0.0).getRGB(0, 0) & 0xffffff);
    assertEquals(
        TokenMap.colour(0).getRGB(), TokenMap.overlay(black, codes, 2, 1, 1.0).getRGB(0, 0));
  }
}
