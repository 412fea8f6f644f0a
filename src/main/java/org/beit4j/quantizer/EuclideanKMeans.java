package org.beit4j.quantizer;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lloyd's k-means in Euclidean distance with k-means++ seeding, for raw pixel patches. Distances
 * are computed as {@code ||c||^2 - 2 x.c} with one gemm per chunk; empty clusters keep their
 * centre.
 */
public final class EuclideanKMeans {

  private static final int CHUNK = 4096;

  private EuclideanKMeans() {}

  /**
   * @param samples {@code [M, d]}
   * @return centres {@code [k, d]}, same data type as the samples
   */
  public static INDArray fit(INDArray samples, int k, int iterations, long seed) {
    if (k < 1 || iterations < 1 || samples.rank() != 2 || samples.size(0) < k) {
      throw new IllegalArgumentException(
          "need samples [M >= k, d], k >= 1 and iterations >= 1 but got M="
              + samples.size(0)
              + ", k="
              + k
              + ", iterations="
              + iterations);
    }
    double[][] xs = samples.toDoubleMatrix();
    int m = xs.length;
    int d = xs[0].length;
    double[][] centres = seeds(xs, k, new Random(seed));
    for (int it = 0; it < iterations; it++) {
      int[] assign = assign(samples, Nd4j.create(centres).castTo(samples.dataType()));
      double[][] sums = new double[k][d];
      int[] counts = new int[k];
      for (int i = 0; i < m; i++) {
        counts[assign[i]]++;
        for (int q = 0; q < d; q++) {
          sums[assign[i]][q] += xs[i][q];
        }
      }
      for (int j = 0; j < k; j++) {
        if (counts[j] > 0) {
          for (int q = 0; q < d; q++) {
            centres[j][q] = sums[j][q] / counts[j];
          }
        }
      }
    }
    return Nd4j.create(centres).castTo(samples.dataType());
  }

  /** Index of the nearest centre of each row, {@code [M, d] x [k, d] -> [M]}. */
  public static int[] assign(INDArray samples, INDArray centres) {
    INDArray c = centres.castTo(samples.dataType());
    INDArray halfSq = c.mul(c).sum(1).muli(0.5).reshape(1, c.size(0)); // [1, k]
    int m = (int) samples.size(0);
    int[] out = new int[m];
    for (int start = 0; start < m; start += CHUNK) {
      int end = Math.min(m, start + CHUNK);
      INDArray x =
          samples.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
              org.nd4j.linalg.indexing.NDArrayIndex.all());
      // argmin ||x - c||^2 = argmax (x.c - ||c||^2 / 2)
      INDArray score = Nd4j.gemm(x, c, false, true).subiRowVector(halfSq); // [m', k]
      int[] best = score.argMax(1).toIntVector();
      System.arraycopy(best, 0, out, start, best.length);
    }
    return out;
  }

  /** k-means++: each next seed drawn with probability proportional to its squared distance. */
  private static double[][] seeds(double[][] xs, int k, Random rnd) {
    int m = xs.length;
    double[][] out = new double[k][];
    double[] dist = new double[m];
    java.util.Arrays.fill(dist, Double.MAX_VALUE);
    out[0] = xs[rnd.nextInt(m)].clone();
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < m; i++) {
        double s = 0;
        for (int q = 0; q < xs[i].length; q++) {
          double e = xs[i][q] - out[j - 1][q];
          s += e * e;
        }
        dist[i] = Math.min(dist[i], s);
        total += dist[i];
      }
      int pick = rnd.nextInt(m);
      if (total > 0) {
        double u = rnd.nextDouble() * total;
        for (int i = 0; i < m; i++) {
          u -= dist[i];
          if (u < 0) {
            pick = i;
            break;
          }
        }
      }
      out[j] = xs[pick].clone();
    }
    return out;
  }
}
