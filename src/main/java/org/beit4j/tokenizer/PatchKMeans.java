package org.beit4j.tokenizer;

import java.util.Arrays;
import java.util.Random;

/**
 * Euclidean k-means (Lloyd's algorithm with k-means++ seeding) on raw pixel patches: the "visual
 * codebook" of the classic bag-of-visual-words models that seed article section 1.1 starts from.
 * Unlike {@link CosineKMeans} it keeps the patch brightness (a blank patch is a word of its own).
 *
 * @param centres {@code float[K][d]} the visual words
 * @param sizes members of each word at the last assignment
 * @param inertia mean squared distance of a sample to its centre at the last assignment
 */
public record PatchKMeans(float[][] centres, long[] sizes, double inertia) {

  /**
   * Clusters {@code samples} into {@code k} words.
   *
   * @param samples {@code float[M][d]}, {@code M >= k}
   * @param iterations Lloyd iterations, at least 1
   * @param seed for the k-means++ draws
   */
  public static PatchKMeans fit(float[][] samples, int k, int iterations, long seed) {
    if (k < 1 || iterations < 1 || samples.length < k) {
      throw new IllegalArgumentException(
          "need k >= 1, iterations >= 1 and at least k samples; got k="
              + k
              + ", iterations="
              + iterations
              + ", samples="
              + samples.length);
    }
    float[][] centres = seed(samples, k, new Random(seed));
    int d = samples[0].length;
    int[] assign = new int[samples.length];
    long[] sizes = new long[k];
    double inertia = 0;
    for (int it = 0; it < iterations; it++) {
      inertia = assign(samples, centres, assign);
      double[][] sums = new double[k][d];
      Arrays.fill(sizes, 0);
      for (int i = 0; i < samples.length; i++) {
        sizes[assign[i]]++;
        for (int q = 0; q < d; q++) {
          sums[assign[i]][q] += samples[i][q];
        }
      }
      for (int j = 0; j < k; j++) {
        for (int q = 0; q < d && sizes[j] > 0; q++) {
          centres[j][q] = (float) (sums[j][q] / sizes[j]);
        }
      }
    }
    inertia = assign(samples, centres, assign);
    Arrays.fill(sizes, 0);
    for (int a : assign) {
      sizes[a]++;
    }
    return new PatchKMeans(centres, sizes, inertia);
  }

  /** Number of words K. */
  public int k() {
    return centres.length;
  }

  /** The nearest word of each sample (squared Euclidean distance, first index on ties). */
  public int[] encode(float[][] samples) {
    int[] out = new int[samples.length];
    assign(samples, centres, out);
    return out;
  }

  private static double assign(float[][] samples, float[][] centres, int[] out) {
    double total = 0;
    for (int i = 0; i < samples.length; i++) {
      double best = Double.MAX_VALUE;
      for (int j = 0; j < centres.length; j++) {
        double dist = squaredDistance(samples[i], centres[j]);
        if (dist < best) {
          best = dist;
          out[i] = j;
        }
      }
      total += best;
    }
    return total / samples.length;
  }

  private static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int q = 0; q < a.length; q++) {
      double t = a[q] - b[q];
      s += t * t;
    }
    return s;
  }

  /** k-means++: each next centre drawn with probability proportional to D(x)^2. */
  private static float[][] seed(float[][] samples, int k, Random rng) {
    float[][] centres = new float[k][];
    centres[0] = samples[rng.nextInt(samples.length)].clone();
    double[] d2 = new double[samples.length];
    Arrays.fill(d2, Double.MAX_VALUE);
    for (int j = 1; j < k; j++) {
      double sum = 0;
      for (int i = 0; i < samples.length; i++) {
        d2[i] = Math.min(d2[i], squaredDistance(samples[i], centres[j - 1]));
        sum += d2[i];
      }
      int pick = rng.nextInt(samples.length);
      if (sum > 0) {
        double r = rng.nextDouble() * sum;
        for (int i = 0; i < samples.length; i++) {
          r -= d2[i];
          if (r <= 0) {
            pick = i;
            break;
          }
        }
      }
      centres[j] = samples[pick].clone();
    }
    return centres;
  }
}
