package org.beit4j.data;

import java.util.List;

/**
 * A finite, indexable set of images with optional class labels. Implementations: {@link
 * FashionMnist} (in memory), {@link ImageFolder} (decoded from disk on demand), {@link
 * SyntheticImages} (generated, for unit tests).
 *
 * <p>Images come out with raw pixels in [0, 1]; resizing, augmentation and normalisation are {@link
 * ImageTransform}s applied by {@link ImageBatchIterator}.
 */
public interface ImageDataset {

  /** Number of images. */
  int size();

  /**
   * Image {@code i}, pixels in [0, 1].
   *
   * @throws DatasetException if the image cannot be read; the message names its file
   */
  Image image(int i);

  /** Class of image {@code i} in {@code [0, numClasses())}, or -1 when the set is unlabelled. */
  int label(int i);

  /** Number of classes; 0 for an unlabelled set. */
  int numClasses();

  /** Class names, index = label. Empty for an unlabelled set. */
  List<String> classNames();

  /** Where the images come from, for logs and provenance (a path or a generator description). */
  String source();

  /**
   * The first {@code n} images (all of them when {@code n} is 0 or not smaller than the size), in
   * order: a quick, deterministic subset for evaluations and notebooks.
   */
  default ImageDataset first(int n) {
    return FirstImages.of(this, n);
  }
}
