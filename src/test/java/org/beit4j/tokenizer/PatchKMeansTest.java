package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PatchKMeansTest {

  @Test
  void findsTwoObviousClusters() {
    float[][] x = {{0f, 0f}, {0.1f, 0f}, {0f, 0.1f}, {5f, 5f}, {5.1f, 5f}, {5f, 5.1f}};
    PatchKMeans km = PatchKMeans.fit(x, 2, 5, 42);
    int[] codes = km.encode(x);
    assertEquals(codes[0], codes[1]);
    assertEquals(codes[0], codes[2]);
    assertEquals(codes[3], codes[5]);
    assertNotEquals(codes[0], codes[3]);
    float[] low = km.centres()[codes[0]];
    assertArrayEquals(new float[] {1f / 30, 1f / 30}, low, 1e-6f);
    long[] sizes = km.sizes().clone();
    Arrays.sort(sizes);
    assertArrayEquals(new long[] {3, 3}, sizes);
    // each point is (0.1^2)*{0, 1, 1}... from its mean; inertia = mean squared distance
    double expected = (2 * (1.0 / 900) + 2 * (0.01 - 2 * 0.1 / 30 + 2.0 / 900)) / 3;
    assertEquals(expected, km.inertia(), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> PatchKMeans.fit(x, 7, 1, 1));
  }
}
