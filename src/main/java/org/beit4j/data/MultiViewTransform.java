package org.beit4j.data;

import java.util.SplittableRandom;

/**
 * Turns one image into one or more views; {@link ImageBatchIterator} stacks view {@code k} of every
 * image into {@code features[k]} of the batch.
 */
public interface MultiViewTransform {

  /** How many views {@link #apply} returns. */
  int numViews();

  /** The views of one image; randomness only from {@code rng}. */
  Image[] apply(Image in, SplittableRandom rng);

  /** A single view made by {@code transform}. */
  static MultiViewTransform single(ImageTransform transform) {
    return new MultiViewTransform() {
      @Override
      public int numViews() {
        return 1;
      }

      @Override
      public Image[] apply(Image in, SplittableRandom rng) {
        return new Image[] {transform.apply(in, rng)};
      }
    };
  }
}
