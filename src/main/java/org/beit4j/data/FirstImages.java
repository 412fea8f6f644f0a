package org.beit4j.data;

import java.util.List;

/**
 * The first {@code count} images of a dataset (all of them when it has fewer), for quick
 * evaluations ({@code --test-limit}, {@code --eval-images}); made by {@link ImageDataset#first}.
 */
record FirstImages(ImageDataset base, int count) implements ImageDataset {

  /** {@code base} itself when {@code limit} is 0 or not smaller than its size. */
  static ImageDataset of(ImageDataset base, int limit) {
    return limit <= 0 || limit >= base.size() ? base : new FirstImages(base, limit);
  }

  @Override
  public int size() {
    return Math.min(count, base.size());
  }

  @Override
  public Image image(int i) {
    return base.image(check(i));
  }

  @Override
  public int label(int i) {
    return base.label(check(i));
  }

  @Override
  public int numClasses() {
    return base.numClasses();
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public String source() {
    return base.source() + " (first " + size() + ")";
  }

  private int check(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("image index " + i + " not in [0, " + size() + ")");
    }
    return i;
  }
}
