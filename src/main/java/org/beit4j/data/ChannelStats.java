package org.beit4j.data;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of a dataset's pixels in [0, 1] units, used by {@link
 * Transforms#normalize}: {@code x' = (x - mean[c]) / std[c]}.
 *
 * @param mean one value per channel
 * @param std one positive value per channel
 */
public record ChannelStats(float[] mean, float[] std) {

  /** ImageNet statistics (timm's IMAGENET_DEFAULT_MEAN/STD), the usual choice for photos. */
  public static final ChannelStats IMAGENET =
      new ChannelStats(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  /** Fashion-MNIST training-set statistics. */
  public static final ChannelStats FASHION_MNIST =
      new ChannelStats(new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD});

  /** Validates lengths and positivity. */
  public ChannelStats {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException(
          "mean and std need the same non-zero length, got " + mean.length + " and " + std.length);
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Number of channels. */
  public int channels() {
    return mean.length;
  }

  /**
   * Measures the statistics over the first {@code limit} images of a dataset (all if {@code limit
   * <= 0}); images must share the channel count.
   */
  public static ChannelStats compute(ImageDataset data, int limit) {
    int n = limit <= 0 ? data.size() : Math.min(limit, data.size());
    int channels = data.image(0).channels();
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    long[] count = new long[channels];
    for (int i = 0; i < n; i++) {
      Image img = data.image(i);
      int plane = img.height() * img.width();
      for (int c = 0; c < channels; c++) {
        for (int k = c * plane; k < (c + 1) * plane; k++) {
          double v = img.pixels()[k];
          sum[c] += v;
          sumSq[c] += v * v;
        }
        count[c] += plane;
      }
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      double m = sum[c] / count[c];
      mean[c] = (float) m;
      std[c] = (float) Math.sqrt(Math.max(1e-12, sumSq[c] / count[c] - m * m));
    }
    return new ChannelStats(mean, std);
  }

  @Override
  public String toString() {
    return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
