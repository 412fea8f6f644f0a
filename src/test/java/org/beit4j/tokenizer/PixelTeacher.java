package org.beit4j.tokenizer;

import java.util.Random;
import org.beit4j.teacher.Teacher;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stand-in teacher for tests: the feature of a patch is {@code tanh(W [p; q])}, with {@code p}
 * the patch's standardised pixels, {@code q} the mean of the pixels of its 3x3 patch neighbourhood
 * and {@code W} a fixed seeded Gaussian matrix. Deterministic, fast, and with some context like a
 * real teacher.
 */
final class PixelTeacher implements Teacher {

  private final int grid;
  private final int patch;
  private final int channels;
  private final int dim;
  private final INDArray w; // [2*C*P*P, Dt]

  PixelTeacher(int imageSize, int grid, int channels, int dim, long seed) {
    this.grid = grid;
    this.patch = imageSize / grid;
    this.channels = channels;
    this.dim = dim;
    int in = 2 * channels * patch * patch;
    Random r = new Random(seed);
    double[] v = new double[in * dim];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() / Math.sqrt(in) * 2;
    }
    this.w = Nd4j.create(v, new long[] {in, dim}, DataType.DOUBLE).castTo(DataType.FLOAT);
  }

  /** For 28x28 grey images on the 7x7 grid. */
  static PixelTeacher fashion(int dim) {
    return new PixelTeacher(28, 7, 1, dim, 11);
  }

  @Override
  public INDArray patchFeatures(INDArray images) {
    int b = (int) images.size(0);
    int pd = channels * patch * patch;
    float[] x = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int side = grid * patch;
    float[][][] pix = new float[b][grid * grid][pd];
    for (int n = 0; n < b; n++) {
      for (int gy = 0; gy < grid; gy++) {
        for (int gx = 0; gx < grid; gx++) {
          int k = 0;
          for (int c = 0; c < channels; c++) {
            for (int y = 0; y < patch; y++) {
              for (int xx = 0; xx < patch; xx++) {
                float v = x[((n * channels + c) * side + gy * patch + y) * side + gx * patch + xx];
                pix[n][gy * grid + gx][k++] = (v - 0.3f) / 0.35f;
              }
            }
          }
        }
      }
    }
    float[] in = new float[b * grid * grid * 2 * pd];
    int o = 0;
    for (int n = 0; n < b; n++) {
      for (int gy = 0; gy < grid; gy++) {
        for (int gx = 0; gx < grid; gx++) {
          System.arraycopy(pix[n][gy * grid + gx], 0, in, o, pd);
          o += pd;
          int count = 0;
          float[] mean = new float[pd];
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int yy = gy + dy;
              int xx = gx + dx;
              if (yy >= 0 && yy < grid && xx >= 0 && xx < grid) {
                count++;
                for (int k = 0; k < pd; k++) {
                  mean[k] += pix[n][yy * grid + xx][k];
                }
              }
            }
          }
          for (int k = 0; k < pd; k++) {
            in[o++] = mean[k] / count;
          }
        }
      }
    }
    INDArray rows = Nd4j.create(in, new long[] {(long) b * grid * grid, 2L * pd}); // [M, 2pd]
    INDArray f = org.nd4j.linalg.ops.transforms.Transforms.tanh(rows.mmul(w), false);
    return f.reshape('c', b, (long) grid * grid, dim); // [B, N, Dt]
  }

  @Override
  public int gridSize() {
    return grid;
  }

  @Override
  public int featureDim() {
    return dim;
  }

  @Override
  public String id() {
    return "pixel-teacher:" + grid + "x" + grid + "x" + dim;
  }
}
