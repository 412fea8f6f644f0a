package org.beit4j.data;

/**
 * Cuts an image into the patch sequence a ViT sees (seed article section 2): an image {@code [C, H,
 * W]} becomes {@code N = HW / P^2} patches of {@code C * P * P} values each, in row-major order of
 * the {@code G x G} grid ({@code G = H / P}). Within a patch the values are channel-major, then
 * row, then column, the same order as a conv2d patch embedding with kernel = stride = P reads them.
 */
public final class Patches {

  private Patches() {}

  /**
   * The patches of one image.
   *
   * @param image {@code [C, H, W]}, H and W multiples of {@code patch}
   * @param patch side P in pixels
   * @return {@code float[N][C * P * P]}
   * @throws IllegalArgumentException if P does not divide H and W
   */
  public static float[][] of(Image image, int patch) {
    checkDivides(image, patch);
    int gy = image.height() / patch;
    int gx = image.width() / patch;
    int c = image.channels();
    float[][] out = new float[gy * gx][c * patch * patch];
    for (int py = 0; py < gy; py++) {
      for (int px = 0; px < gx; px++) {
        float[] row = out[py * gx + px];
        int k = 0;
        for (int ch = 0; ch < c; ch++) {
          for (int y = 0; y < patch; y++) {
            for (int x = 0; x < patch; x++) {
              row[k++] = image.get(ch, py * patch + y, px * patch + x);
            }
          }
        }
      }
    }
    return out;
  }

  /** The inverse of {@link #of} for one patch: its values as a {@code [C, P, P]} image. */
  public static Image toImage(float[] patch, int channels, int side) {
    if (patch.length != channels * side * side) {
      throw new IllegalArgumentException(
          "patch has " + patch.length + " values, expected " + channels * side * side);
    }
    return new Image(channels, side, side, patch.clone());
  }

  /**
   * Puts patches back on their grid: the inverse of {@link #of}.
   *
   * @param patches {@code float[N][C * P * P]}, row-major over the {@code (H/P) x (W/P)} grid
   */
  public static Image assemble(float[][] patches, int channels, int height, int width, int patch) {
    int gx = width / patch;
    if (patch < 1
        || height % patch != 0
        || width % patch != 0
        || patches.length != gx * (height / patch)) {
      throw new IllegalArgumentException(
          patches.length
              + " patches of side "
              + patch
              + " do not tile a "
              + height
              + "x"
              + width
              + " image");
    }
    float[] px = new float[channels * height * width];
    for (int i = 0; i < patches.length; i++) {
      int k = 0;
      for (int ch = 0; ch < channels; ch++) {
        for (int y = 0; y < patch; y++) {
          for (int x = 0; x < patch; x++) {
            int yy = (i / gx) * patch + y;
            int xx = (i % gx) * patch + x;
            px[(ch * height + yy) * width + xx] = patches[i][k++];
          }
        }
      }
    }
    return new Image(channels, height, width, px);
  }

  /**
   * Checks that square patches of side {@code patch} tile the image exactly.
   *
   * @throws IllegalArgumentException naming the image size and the patch side otherwise
   */
  public static void checkDivides(Image image, int patch) {
    if (patch < 1 || image.height() % patch != 0 || image.width() % patch != 0) {
      throw new IllegalArgumentException(
          "patch must divide the image size "
              + image.height()
              + "x"
              + image.width()
              + ", got "
              + patch);
    }
  }
}
