package org.beit4j.data;

import java.util.SplittableRandom;

/**
 * One step of image preprocessing or augmentation. Randomness comes only from the given generator,
 * which {@link ImageBatchIterator} seeds per image from {@code (seed, epoch, index)}: the same seed
 * gives the same pixels whatever the batch size or thread count.
 */
@FunctionalInterface
public interface ImageTransform {

  /**
   * Transforms an image; must not modify {@code in}.
   *
   * @param in the input image
   * @param rng the only source of randomness
   * @return a new image (or {@code in} itself if nothing changes)
   */
  Image apply(Image in, SplittableRandom rng);

  /** This transform followed by {@code next}. */
  default ImageTransform andThen(ImageTransform next) {
    return (in, rng) -> next.apply(apply(in, rng), rng);
  }
}
