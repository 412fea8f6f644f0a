package org.beit4j.data;

/**
 * One image as planar floats, channel-major ({@code [C, H, W]}), values normally in [0, 1] (after
 * {@link Transforms#normalize} they are standardised). Plain Java so transforms are fast, seedable
 * and testable without ND4J.
 *
 * @param channels C, 1 (grey) or 3 (RGB)
 * @param height H
 * @param width W
 * @param pixels {@code C * H * W} values, index {@code (c * H + y) * W + x}
 */
public record Image(int channels, int height, int width, float[] pixels) {

  /** Validates the sizes. */
  public Image {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "height and width must be >= 1, got " + height + "x" + width);
    }
    if (pixels.length != channels * height * width) {
      throw new IllegalArgumentException(
          "pixels.length = "
              + pixels.length
              + " but channels*height*width = "
              + channels * height * width);
    }
  }

  /** A zero image of the given size. */
  public static Image zeros(int channels, int height, int width) {
    return new Image(channels, height, width, new float[channels * height * width]);
  }

  /** The value at channel {@code c}, row {@code y}, column {@code x}. */
  public float get(int c, int y, int x) {
    return pixels[(c * height + y) * width + x];
  }

  /** Number of values, {@code C * H * W}. */
  public int size() {
    return pixels.length;
  }
}
