package org.beit4j.teacher;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bilinear image resizing with half-pixel centres and no anti-aliasing, the convention of PyTorch's
 * {@code F.interpolate(x, size, mode="bilinear", align_corners=False)}: output pixel {@code i}
 * reads the source at {@code u = (i + 0.5) * in / out - 0.5}, clamped below at 0, and blends the
 * two neighbours {@code floor(u)} and {@code floor(u) + 1} (clamped to the last pixel) by the
 * fraction. Plain Java on float arrays, so the result does not depend on an ND4J op's corner
 * convention.
 */
final class BilinearResize {

  private BilinearResize() {}

  /**
   * Resizes every channel of every image.
   *
   * @param images {@code [B, C, H, W]}
   * @return {@code [B, C, outH, outW]} float; the input itself (as float) if the size already fits
   */
  static INDArray resize(INDArray images, int outH, int outW) {
    if (images.rank() != 4) {
      throw new IllegalArgumentException(
          "images must be [B, C, H, W], got shape " + Arrays.toString(images.shape()));
    }
    int b = (int) images.size(0);
    int c = (int) images.size(1);
    int h = (int) images.size(2);
    int w = (int) images.size(3);
    INDArray x = images.castTo(DataType.FLOAT);
    if (h == outH && w == outW) {
      return x;
    }
    float[] src = x.dup('c').data().asFloat(); // [B, C, H, W] row-major
    float[] dst = new float[b * c * outH * outW];
    Axis rows = new Axis(h, outH);
    Axis cols = new Axis(w, outW);
    for (int plane = 0; plane < b * c; plane++) {
      int so = plane * h * w;
      int dO = plane * outH * outW;
      for (int i = 0; i < outH; i++) {
        int r0 = so + rows.lo[i] * w;
        int r1 = so + rows.hi[i] * w;
        float fy = rows.frac[i];
        for (int j = 0; j < outW; j++) {
          float fx = cols.frac[j];
          float top = src[r0 + cols.lo[j]] * (1 - fx) + src[r0 + cols.hi[j]] * fx;
          float bottom = src[r1 + cols.lo[j]] * (1 - fx) + src[r1 + cols.hi[j]] * fx;
          dst[dO + i * outW + j] = top * (1 - fy) + bottom * fy;
        }
      }
    }
    return Nd4j.create(dst, new long[] {b, c, outH, outW}, 'c');
  }

  /** Source neighbours and blend weights along one axis. */
  private static final class Axis {
    final int[] lo;
    final int[] hi;
    final float[] frac;

    Axis(int in, int out) {
      lo = new int[out];
      hi = new int[out];
      frac = new float[out];
      double scale = (double) in / out;
      for (int i = 0; i < out; i++) {
        double u = Math.max((i + 0.5) * scale - 0.5, 0.0);
        int l = Math.min((int) Math.floor(u), in - 1);
        lo[i] = l;
        hi[i] = Math.min(l + 1, in - 1);
        frac[i] = (float) (u - l);
      }
    }
  }
}
