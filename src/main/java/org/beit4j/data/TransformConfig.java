package org.beit4j.data;

/**
 * One-view preprocessing: channel conversion, then resize or random resized crop to {@code height x
 * width}, then an optional horizontal flip, then optional normalisation. Without normalisation the
 * pixels stay in [0, 1] (the {@link org.beit4j.teacher.Teacher} contract).
 *
 * @param height output H
 * @param width output W
 * @param channels output C, 1 or 3
 * @param randomCrop random resized crop (true) or plain resize of the whole image (false)
 * @param scaleMin smallest crop area fraction, in (0, 1]
 * @param scaleMax largest crop area fraction, in [scaleMin, 1]
 * @param flipProbability probability of a left-right mirror, in [0, 1]
 * @param normalization per-channel mean/std to standardise with, or null for raw [0, 1] pixels
 */
public record TransformConfig(
    int height,
    int width,
    int channels,
    boolean randomCrop,
    double scaleMin,
    double scaleMax,
    double flipProbability,
    ChannelStats normalization) {

  /** Validates every field. */
  public TransformConfig {
    Transforms.checkSize(height, width);
    Transforms.checkChannelsAndFlip(channels, flipProbability);
    Transforms.checkScale(scaleMin, scaleMax);
    if (normalization != null && normalization.channels() != channels) {
      throw new IllegalArgumentException(
          "normalization has " + normalization.channels() + " channels but channels = " + channels);
    }
  }

  /** Resize only: deterministic, raw [0, 1] pixels (evaluation, pictures). */
  public static TransformConfig plain(int size, int channels) {
    return new TransformConfig(size, size, channels, false, 1, 1, 0, null);
  }

  /** Training augmentation: random resized crop with scale [0.08, 1] and flips with p = 0.5. */
  public static TransformConfig augmented(int size, int channels) {
    return new TransformConfig(size, size, channels, true, 0.08, 1, 0.5, null);
  }

  /** A copy with this crop-scale range (and random cropping on). */
  public TransformConfig withScale(double min, double max) {
    return new TransformConfig(
        height, width, channels, true, min, max, flipProbability, normalization);
  }

  /** A copy with this flip probability. */
  public TransformConfig withFlip(double p) {
    return new TransformConfig(
        height, width, channels, randomCrop, scaleMin, scaleMax, p, normalization);
  }

  /** A copy that normalises with {@code stats} (null: raw pixels). */
  public TransformConfig withNormalization(ChannelStats stats) {
    return new TransformConfig(
        height, width, channels, randomCrop, scaleMin, scaleMax, flipProbability, stats);
  }

  /** The transform this configuration describes. */
  public ImageTransform build() {
    ImageTransform t = Transforms.toChannels(channels);
    t =
        t.andThen(
            randomCrop
                ? Transforms.randomResizedCrop(height, width, scaleMin, scaleMax)
                : Transforms.resize(height, width));
    if (flipProbability > 0) {
      t = t.andThen(Transforms.horizontalFlip(flipProbability));
    }
    if (normalization != null) {
      t = t.andThen(Transforms.normalize(normalization));
    }
    return t;
  }
}
