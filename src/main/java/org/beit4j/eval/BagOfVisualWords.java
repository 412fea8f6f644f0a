package org.beit4j.eval;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bag-of-visual-words image descriptors (seed article section 1.1): an image is the normalised
 * histogram of the visual words of its patches, order thrown away. A nearest-class-mean classifier
 * on these histograms measures how much class information the words carry.
 */
public final class BagOfVisualWords {

  private BagOfVisualWords() {}

  /** {@code h[k] = (number of patches with word k) / N}, a {@code K}-vector summing to 1. */
  public static double[] histogram(int[] words, int k) {
    double[] h = new double[k];
    for (int w : words) {
      if (w < 0 || w >= k) {
        throw new IllegalArgumentException("word " + w + " is outside [0, " + k + ")");
      }
      h[w] += 1.0 / words.length;
    }
    return h;
  }

  /**
   * The {@link #histogram} of every image's words, as features.
   *
   * @param words {@code [B][N]} codes in {@code [0, k)}
   * @return {@code [B, K]} float
   */
  public static INDArray histograms(int[][] words, int k) {
    double[][] h = new double[words.length][];
    for (int b = 0; b < words.length; b++) {
      h[b] = histogram(words[b], k); // [K]
    }
    return Nd4j.create(h).castTo(DataType.FLOAT); // [B, K]
  }

  /**
   * Mean histogram of each class.
   *
   * @return {@code double[classes][K]}; a class without examples gets zeros
   */
  public static double[][] classMeans(List<double[]> histograms, int[] labels, int classes) {
    int k = histograms.get(0).length;
    double[][] means = new double[classes][k];
    int[] n = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      n[labels[i]]++;
      for (int q = 0; q < k; q++) {
        means[labels[i]][q] += histograms.get(i)[q];
      }
    }
    for (int c = 0; c < classes; c++) {
      for (int q = 0; q < k && n[c] > 0; q++) {
        means[c][q] /= n[c];
      }
    }
    return means;
  }

  /** The class whose mean histogram is nearest (Euclidean) to {@code h}. */
  public static int nearestMean(double[][] means, double[] h) {
    int best = 0;
    double bestDist = Double.MAX_VALUE;
    for (int c = 0; c < means.length; c++) {
      double s = 0;
      for (int q = 0; q < h.length; q++) {
        double t = h[q] - means[c][q];
        s += t * t;
      }
      if (s < bestDist) {
        bestDist = s;
        best = c;
      }
    }
    return best;
  }

  /** Share of {@code histograms} whose nearest class mean is their label. */
  public static double accuracy(double[][] means, List<double[]> histograms, int[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      if (nearestMean(means, histograms.get(i)) == labels[i]) {
        right++;
      }
    }
    return (double) right / labels.length;
  }
}
