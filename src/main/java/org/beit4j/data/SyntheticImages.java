package org.beit4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated, labelled image set for fast unit tests: image {@code i} has class {@code i %
 * numClasses} and shows stripes whose orientation and frequency depend on the class, on a
 * background brightness that also depends on the class (so even a linear classifier can learn it),
 * plus seeded noise; values in [0, 1]. Image {@code i} depends only on {@code (seed, i)}, so any
 * subset is reproducible.
 *
 * @param size number of images
 * @param channels C
 * @param height H
 * @param width W
 * @param numClasses number of classes (>= 1)
 * @param seed seed of the noise
 */
public record SyntheticImages(
    int size, int channels, int height, int width, int numClasses, long seed)
    implements ImageDataset {

  /** Validates every field. */
  public SyntheticImages {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("height/width must be >= 1, got " + height + "x" + width);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
  }

  @Override
  public Image image(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("image index " + i + " not in [0, " + size + ")");
    }
    int cls = label(i);
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    double angle = Math.PI * cls / numClasses;
    double freq = 2 * Math.PI * (1 + cls % 3) / Math.max(4, Math.min(height, width) / 2.0);
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double phase = rng.nextDouble(2 * Math.PI);
    double base = 0.3 + 0.4 * cls / Math.max(1, numClasses - 1);
    float[] px = new float[channels * height * width];
    for (int c = 0; c < channels; c++) {
      double tint = 0.15 * c;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double v = base + 0.2 * Math.sin(freq * (x * cos + y * sin) + phase + tint);
          v += 0.1 * (rng.nextDouble() - 0.5);
          px[(c * height + y) * width + x] = (float) Math.min(1, Math.max(0, v));
        }
      }
    }
    return new Image(channels, height, width, px);
  }

  @Override
  public int label(int i) {
    return i % numClasses;
  }

  @Override
  public List<String> classNames() {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      names.add("class" + c);
    }
    return names;
  }

  @Override
  public String source() {
    return "synthetic(size="
        + size
        + ", "
        + channels
        + "x"
        + height
        + "x"
        + width
        + ", classes="
        + numClasses
        + ", seed="
        + seed
        + ")";
  }
}
