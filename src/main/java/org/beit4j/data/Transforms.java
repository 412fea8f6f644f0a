package org.beit4j.data;

/**
 * The image transforms: resize, random resized crop, horizontal flip, channel conversion and
 * normalisation. Each returns an {@link ImageTransform}; chain them with {@link
 * ImageTransform#andThen}. Resampling is bilinear with pixel centres at half-integers (as {@code
 * align_corners=False} in PyTorch).
 */
public final class Transforms {

  private Transforms() {}

  /** Leaves the image as it is. */
  public static ImageTransform identity() {
    return (in, rng) -> in;
  }

  /** Bilinear resize to {@code height x width} (aspect ratio not kept). */
  public static ImageTransform resize(int height, int width) {
    checkSize(height, width);
    return (in, rng) -> resample(in, CropBox.whole(in), height, width, false);
  }

  /**
   * Random resized crop: a box of random area fraction in {@code [scaleMin, scaleMax]} and aspect
   * ratio in {@code [3/4, 4/3]}, resized to {@code height x width}.
   */
  public static ImageTransform randomResizedCrop(
      int height, int width, double scaleMin, double scaleMax) {
    checkSize(height, width);
    checkScale(scaleMin, scaleMax);
    return (in, rng) -> {
      CropBox box =
          CropBox.random(in.height(), in.width(), scaleMin, scaleMax, 3.0 / 4, 4.0 / 3, rng);
      return resample(in, box, height, width, false);
    };
  }

  /** Mirrors left-right with probability {@code p}. */
  public static ImageTransform horizontalFlip(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
    }
    return (in, rng) -> rng.nextDouble() < p ? flip(in) : in;
  }

  /** Converts to {@code channels}: grey to RGB by replication, RGB to grey by luma. */
  public static ImageTransform toChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    return (in, rng) -> convertChannels(in, channels);
  }

  /** {@code x' = (x - mean[c]) / std[c]} per channel. */
  public static ImageTransform normalize(ChannelStats stats) {
    return (in, rng) -> {
      if (in.channels() != stats.channels()) {
        throw new IllegalArgumentException(
            "normalisation has " + stats.channels() + " channels, image has " + in.channels());
      }
      float[] out = in.pixels().clone();
      int plane = in.height() * in.width();
      for (int c = 0; c < in.channels(); c++) {
        float m = stats.mean()[c];
        float inv = 1f / stats.std()[c];
        for (int k = c * plane; k < (c + 1) * plane; k++) {
          out[k] = (out[k] - m) * inv;
        }
      }
      return new Image(in.channels(), in.height(), in.width(), out);
    };
  }

  /**
   * Bilinear resampling of the box {@code box} of {@code in} to {@code outH x outW}, optionally
   * mirrored left-right. Output pixel {@code (y, x)} samples the source at {@code top + (y + 0.5) *
   * box.height / outH - 0.5} (likewise for x), clamped to the image.
   */
  public static Image resample(Image in, CropBox box, int outH, int outW, boolean mirror) {
    if (box.top() + box.height() > in.height() || box.left() + box.width() > in.width()) {
      throw new IllegalArgumentException(box + " outside image " + in.height() + "x" + in.width());
    }
    if (!mirror
        && box.height() == outH
        && box.width() == outW
        && box.height() == in.height()
        && box.width() == in.width()) {
      return in;
    }
    int c = in.channels();
    int h = in.height();
    int w = in.width();
    float[] src = in.pixels();
    float[] out = new float[c * outH * outW];
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] fx = new float[outW];
    double sx = (double) box.width() / outW;
    for (int x = 0; x < outW; x++) {
      int xs = mirror ? outW - 1 - x : x;
      double p = clamp(box.left() + (xs + 0.5) * sx - 0.5, 0, w - 1);
      x0[x] = (int) p;
      x1[x] = Math.min(x0[x] + 1, w - 1);
      fx[x] = (float) (p - x0[x]);
    }
    double sy = (double) box.height() / outH;
    for (int y = 0; y < outH; y++) {
      double p = clamp(box.top() + (y + 0.5) * sy - 0.5, 0, h - 1);
      int y0 = (int) p;
      int y1 = Math.min(y0 + 1, h - 1);
      float fy = (float) (p - y0);
      for (int ch = 0; ch < c; ch++) {
        int r0 = (ch * h + y0) * w;
        int r1 = (ch * h + y1) * w;
        int o = (ch * outH + y) * outW;
        for (int x = 0; x < outW; x++) {
          float top = src[r0 + x0[x]] + fx[x] * (src[r0 + x1[x]] - src[r0 + x0[x]]);
          float bot = src[r1 + x0[x]] + fx[x] * (src[r1 + x1[x]] - src[r1 + x0[x]]);
          out[o + x] = top + fy * (bot - top);
        }
      }
    }
    return new Image(c, outH, outW, out);
  }

  /** Left-right mirror image. */
  public static Image flip(Image in) {
    int h = in.height();
    int w = in.width();
    float[] src = in.pixels();
    float[] out = new float[src.length];
    for (int row = 0; row < in.channels() * h; row++) {
      int base = row * w;
      for (int x = 0; x < w; x++) {
        out[base + x] = src[base + w - 1 - x];
      }
    }
    return new Image(in.channels(), h, w, out);
  }

  /** Grey to RGB by replication, RGB to grey by luma; unchanged if already {@code channels}. */
  public static Image convertChannels(Image in, int channels) {
    if (in.channels() == channels) {
      return in;
    }
    int plane = in.height() * in.width();
    float[] src = in.pixels();
    float[] out = new float[channels * plane];
    if (in.channels() == 1 && channels == 3) {
      for (int c = 0; c < 3; c++) {
        System.arraycopy(src, 0, out, c * plane, plane);
      }
    } else if (in.channels() == 3 && channels == 1) {
      for (int k = 0; k < plane; k++) {
        out[k] = 0.299f * src[k] + 0.587f * src[plane + k] + 0.114f * src[2 * plane + k];
      }
    } else {
      throw new IllegalArgumentException(
          "cannot convert " + in.channels() + " channels to " + channels);
    }
    return new Image(channels, in.height(), in.width(), out);
  }

  static void checkSize(int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("output size must be >= 1, got " + height + "x" + width);
    }
  }

  static void checkScale(double scaleMin, double scaleMax) {
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
      throw new IllegalArgumentException(
          "crop scale range must satisfy 0 < scaleMin <= scaleMax <= 1, got ["
              + scaleMin
              + ", "
              + scaleMax
              + "]");
    }
  }

  static void checkChannelsAndFlip(int channels, double flipProbability) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (!(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException(
          "flipProbability must be in [0, 1], got " + flipProbability);
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : Math.min(v, hi);
  }
}
