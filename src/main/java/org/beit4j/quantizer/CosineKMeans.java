package org.beit4j.quantizer;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spherical (cosine) k-means, the codebook initialisation of the official VQ-KD ({@code kmeans(...,
 * use_cosine_sim=True)}, run once on the first batch of encoder outputs). Centres start at {@code
 * k} samples chosen by cosine k-means++ seeding (the official code draws them uniformly); each
 * iteration assigns every sample to the centre of largest cosine and moves each non-empty centre to
 * the l2 of its members' mean. Empty clusters keep their centre.
 */
public final class CosineKMeans {

  /** The official number of iterations. */
  public static final int DEFAULT_ITERATIONS = 10;

  private CosineKMeans() {}

  /**
   * The centres and the size of each cluster at the last assignment.
   *
   * @param centres {@code [k, d]} unit rows, same data type as the samples
   * @param sizes {@code k} member counts
   */
  public record Result(INDArray centres, long[] sizes) {}

  /**
   * Runs the iterations.
   *
   * @param samples {@code [M, d]}, normalised here
   * @param k number of centres
   * @param iterations at least 1
   * @param seed for the choice of the starting samples
   */
  public static Result fit(INDArray samples, int k, int iterations, long seed) {
    if (samples.rank() != 2 || samples.size(0) < 1) {
      throw new IllegalArgumentException(
          "samples must be [M, d] with M >= 1, got " + java.util.Arrays.toString(samples.shape()));
    }
    if (k < 1 || iterations < 1) {
      throw new IllegalArgumentException(
          "k and iterations must be >= 1, got k=" + k + ", iterations=" + iterations);
    }
    INDArray x = Codebook.normaliseRows(samples); // [M, d]
    double[][] xs = CodebookEma.rows(x); // [M, d]
    int m = xs.length;
    int d = xs[0].length;
    double[][] centres = new double[k][];
    int[] start = startIndices(xs, k, new Random(seed));
    for (int j = 0; j < k; j++) {
      centres[j] = xs[start[j]].clone();
    }
    long[] sizes = new long[k];
    for (int it = 0; it < iterations; it++) {
      INDArray c = CodebookEma.matrix(centres, x.dataType()); // [k, d]
      int[] assign = Codebook.argmaxRows(Nd4j.gemm(x, c, false, true)); // [M]
      sizes = CodebookEma.counts(assign, k);
      double[][] sums = new double[k][d];
      for (int i = 0; i < m; i++) {
        for (int q = 0; q < d; q++) {
          sums[assign[i]][q] += xs[i][q];
        }
      }
      for (int j = 0; j < k; j++) {
        if (sizes[j] > 0) {
          centres[j] = CodebookEma.normalised(sums[j]);
        }
      }
    }
    return new Result(CodebookEma.matrix(centres, samples.dataType()), sizes);
  }

  /**
   * k-means++ seeding with the cosine distance {@code 1 - cos} (half the squared Euclidean distance
   * of unit vectors): each next start is drawn with probability proportional to its distance from
   * the nearest start chosen so far. The official code draws the starts uniformly, which often puts
   * two starts in one cluster and none in another; k-means cannot undo that.
   */
  private static int[] startIndices(double[][] xs, int k, Random rnd) {
    int m = xs.length;
    int[] out = new int[k];
    double[] dist = new double[m];
    java.util.Arrays.fill(dist, Double.MAX_VALUE);
    out[0] = rnd.nextInt(m);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < m; i++) {
        dist[i] = Math.min(dist[i], Math.max(0, 1 - dot(xs[i], xs[out[j - 1]])));
        total += dist[i];
      }
      if (total <= 0) {
        out[j] = rnd.nextInt(m); // every sample is already a start: repeat one
        continue;
      }
      double u = rnd.nextDouble() * total;
      int pick = m - 1;
      for (int i = 0; i < m; i++) {
        u -= dist[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
      out[j] = pick;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int c = 0; c < a.length; c++) {
      s += a[c] * b[c];
    }
    return s;
  }
}
