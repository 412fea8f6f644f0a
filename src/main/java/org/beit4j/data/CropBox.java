package org.beit4j.data;

import java.util.SplittableRandom;

/**
 * A rectangle of an image in pixel units: rows {@code [top, top + height)}, columns {@code [left,
 * left + width)}.
 *
 * @param top first row
 * @param left first column
 * @param height rows
 * @param width columns
 */
public record CropBox(int top, int left, int height, int width) {

  private static final int ATTEMPTS = 10;

  /** Validates the sizes. */
  public CropBox {
    if (top < 0 || left < 0 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "bad crop box top=" + top + " left=" + left + " height=" + height + " width=" + width);
    }
  }

  /** The whole image. */
  public static CropBox whole(Image img) {
    return new CropBox(0, 0, img.height(), img.width());
  }

  /**
   * The random-resized-crop box (Szegedy et al. 2015, as in torchvision/timm): area a uniform
   * fraction in {@code [scaleMin, scaleMax]} of the image, aspect ratio log-uniform in {@code
   * [ratioMin, ratioMax]}, position uniform. After 10 failed attempts, the largest centred box
   * whose ratio is within the range.
   */
  public static CropBox random(
      int imgHeight,
      int imgWidth,
      double scaleMin,
      double scaleMax,
      double ratioMin,
      double ratioMax,
      SplittableRandom rng) {
    double area = (double) imgHeight * imgWidth;
    double logMin = Math.log(ratioMin);
    double logMax = Math.log(ratioMax);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double target = area * uniform(rng, scaleMin, scaleMax);
      double ratio = Math.exp(uniform(rng, logMin, logMax)); // width / height
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w >= 1 && h >= 1 && w <= imgWidth && h <= imgHeight) {
        int top = rng.nextInt(imgHeight - h + 1);
        int left = rng.nextInt(imgWidth - w + 1);
        return new CropBox(top, left, h, w);
      }
    }
    double inRatio = (double) imgWidth / imgHeight;
    int w = imgWidth;
    int h = imgHeight;
    if (inRatio < ratioMin) {
      h = Math.max(1, (int) Math.round(w / ratioMin));
    } else if (inRatio > ratioMax) {
      w = Math.max(1, (int) Math.round(h * ratioMax));
    }
    return new CropBox((imgHeight - h) / 2, (imgWidth - w) / 2, h, w);
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return hi > lo ? lo + (hi - lo) * rng.nextDouble() : lo;
  }
}
