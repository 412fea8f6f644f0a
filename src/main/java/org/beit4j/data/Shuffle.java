package org.beit4j.data;

import java.util.SplittableRandom;

/** Seeded in-place Fisher-Yates shuffle, shared by the data iterators and the probes. */
public final class Shuffle {

  private Shuffle() {}

  /** Permutes {@code a} uniformly at random; the same generator state gives the same order. */
  public static void inPlace(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
