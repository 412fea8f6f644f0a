package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PatchesTest {

  @Test
  void cutsRowMajorChannelMajor() {
    // 2 channels, 2x4: channel 0 = 0..7, channel 1 = 10..17
    float[] v = new float[16];
    for (int i = 0; i < 8; i++) {
      v[i] = i;
      v[8 + i] = 10 + i;
    }
    float[][] p = Patches.of(new Image(2, 2, 4, v), 2);
    assertEquals(2, p.length); // N = HW / P^2 = 8 / 4
    assertArrayEquals(new float[] {0, 1, 4, 5, 10, 11, 14, 15}, p[0]);
    assertArrayEquals(new float[] {2, 3, 6, 7, 12, 13, 16, 17}, p[1]);
    Image back = Patches.toImage(p[1], 2, 2);
    assertEquals(16f, back.get(1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Patches.of(new Image(2, 2, 4, v), 3));
    assertArrayEquals(v, Patches.assemble(p, 2, 2, 4, 2).pixels());
    assertThrows(IllegalArgumentException.class, () -> Patches.assemble(p, 2, 4, 4, 2));
  }
}
