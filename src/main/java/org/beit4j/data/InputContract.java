package org.beit4j.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What images a trained model takes: {@code [B, C, H, W]} with {@code H = W = imageSize}, and
 * either raw pixels in [0, 1] ({@code normalization} null, what every beit4j stage trains on today)
 * or pixels standardised per channel. It travels with the model (in its provenance as {@code
 * input.*}) and is the one place images are prepared ({@link #prepare}) and checked ({@link
 * #check}) for it.
 *
 * @param imageSize H = W
 * @param channels C (1 grey, 3 RGB)
 * @param normalization the per-channel mean/std the model was trained with, or null for raw [0, 1]
 */
public record InputContract(int imageSize, int channels, ChannelStats normalization) {

  /** Slack on the [0, 1] range of raw pixels (float rounding of resized images). */
  static final double RANGE_SLACK = 1e-3;

  private static final String PREFIX = "input.";

  /** Validates every field. */
  public InputContract {
    if (imageSize < 1) {
      throw new IllegalArgumentException("input imageSize must be >= 1, got " + imageSize);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("input channels must be >= 1, got " + channels);
    }
    if (normalization != null && normalization.channels() != channels) {
      throw new IllegalArgumentException(
          "input normalization has " + normalization.channels() + " channels, not " + channels);
    }
  }

  /** Raw pixels in [0, 1]: the contract of every backbone, tokenizer and teacher beit4j trains. */
  public static InputContract raw(int imageSize, int channels) {
    return new InputContract(imageSize, channels, null);
  }

  /** Whether the model takes raw pixels in [0, 1]. */
  public boolean isRaw() {
    return normalization == null;
  }

  /** The deterministic transform that turns any image into this model's input. */
  public TransformConfig transform() {
    return TransformConfig.plain(imageSize, channels).withNormalization(normalization);
  }

  /**
   * Images of any size and channel count, prepared the way the model expects: channel conversion,
   * resize, then the model's normalisation if it has one.
   *
   * @return {@code [B, C, S, S]}
   */
  public INDArray prepare(List<Image> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("prepare needs at least one image");
    }
    ImageTransform t = transform().build();
    int plane = channels * imageSize * imageSize;
    float[] data = new float[images.size() * plane];
    for (int i = 0; i < images.size(); i++) {
      Image out = t.apply(images.get(i), new SplittableRandom(0)); // deterministic: no randomness
      System.arraycopy(out.pixels(), 0, data, i * plane, plane);
    }
    return Nd4j.create(data, new long[] {images.size(), channels, imageSize, imageSize}, 'c');
  }

  /** {@link #prepare(List)} of these images. */
  public INDArray prepare(Image... images) {
    return prepare(List.of(images));
  }

  /**
   * Checks {@code images} against the contract: shape {@code [B, C, S, S]}, finite values and, for
   * raw pixels, values in [0, 1].
   *
   * @param who the model, named in the message (e.g. "VisionTransformer")
   * @throws IllegalArgumentException naming {@code who}, the expected and the actual input
   */
  public void check(INDArray images, String who) {
    if (images == null) {
      throw new IllegalArgumentException(who + " expects images, got null");
    }
    long[] s = images.shape();
    if (s.length != 4 || s[0] < 1 || s[1] != channels || s[2] != imageSize || s[3] != imageSize) {
      throw new IllegalArgumentException(
          who
              + " expects images [B, C, H, W] = [B, "
              + channels
              + ", "
              + imageSize
              + ", "
              + imageSize
              + "] but got "
              + Arrays.toString(s));
    }
    if (!Double.isFinite(images.sumNumber().doubleValue())) {
      throw new IllegalArgumentException(who + " got images with NaN or infinite pixel values");
    }
    if (isRaw()) {
      double min = images.minNumber().doubleValue();
      double max = images.maxNumber().doubleValue();
      if (min < -RANGE_SLACK || max > 1 + RANGE_SLACK) {
        throw new IllegalArgumentException(
            who
                + " expects raw pixels in [0, 1] (its input contract has no normalisation) but got"
                + " values in ["
                + (float) min
                + ", "
                + (float) max
                + "]: prepare images with InputContract.prepare or TransformConfig.plain("
                + imageSize
                + ", "
                + channels
                + ") without withNormalization");
      }
    }
  }

  /**
   * {@code input.imageSize}, {@code input.channels}, {@code input.normalization} for provenance.
   */
  public Map<String, String> toProperties() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "imageSize", Integer.toString(imageSize));
    m.put(PREFIX + "channels", Integer.toString(channels));
    m.put(
        PREFIX + "normalization",
        isRaw()
            ? "none"
            : "mean=" + join(normalization.mean()) + ";std=" + join(normalization.std()));
    return m;
  }

  /**
   * The contract recorded by {@link #toProperties} in {@code extra}, or {@code fallback} when none
   * is recorded (artefacts written before contracts were).
   *
   * @throws IllegalArgumentException if a recorded value is malformed
   */
  public static InputContract fromProperties(Map<String, String> extra, InputContract fallback) {
    String size = extra.get(PREFIX + "imageSize");
    if (size == null) {
      return fallback;
    }
    try {
      String norm = extra.getOrDefault(PREFIX + "normalization", "none");
      ChannelStats stats = null;
      if (!norm.equals("none")) {
        String[] parts = norm.split(";");
        stats =
            new ChannelStats(
                floats(parts[0].substring("mean=".length())),
                floats(parts[1].substring("std=".length())));
      }
      return new InputContract(
          Integer.parseInt(size), Integer.parseInt(extra.get(PREFIX + "channels")), stats);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed input contract " + extra, e);
    }
  }

  @Override
  public String toString() {
    return "[B, "
        + channels
        + ", "
        + imageSize
        + ", "
        + imageSize
        + "] "
        + (isRaw() ? "raw pixels in [0, 1]" : "normalised with " + normalization);
  }

  private static String join(float[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(v[i]);
    }
    return sb.toString();
  }

  private static float[] floats(String csv) {
    String[] parts = csv.split(",");
    float[] v = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = Float.parseFloat(parts[i].trim());
    }
    return v;
  }
}
