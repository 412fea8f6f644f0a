package org.beit4j.eval;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cosine k-nearest-neighbour classifier on frozen features, the weighted vote of DINO (Caron et al.
 * 2021): the {@code k} training rows most cosine-similar to a query vote for their class with
 * weight {@code exp(s / T)}; {@code T = 0} gives a plain majority vote (ties to the lower class).
 * Needs no training, so it measures the features themselves.
 */
public final class KnnClassifier {

  private static final int QUERY_CHUNK = 512;

  private final INDArray train; // [M, F] rows of unit length
  private final int[] labels;
  private final int numClasses;
  private final int k;
  private final double temperature;

  /**
   * @param features {@code [M, F]} training features
   * @param labels {@code M} classes in {@code [0, numClasses)}
   * @param k neighbours, 1..M
   * @param temperature {@code T} of the vote weights {@code exp(s/T)}, or 0 for a plain majority
   */
  public KnnClassifier(INDArray features, int[] labels, int numClasses, int k, double temperature) {
    LinearProbe.check(features, labels, numClasses);
    if (k < 1 || k > labels.length) {
      throw new IllegalArgumentException(
          "k must be in [1, " + labels.length + "] (training rows), got " + k);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    this.train = unitRows(features); // [M, F]
    this.labels = labels.clone();
    this.numClasses = numClasses;
    this.k = k;
    this.temperature = temperature;
  }

  /** DINO's setting: k = 20, T = 0.07. */
  public static KnnClassifier of(INDArray features, int[] labels, int numClasses) {
    return new KnnClassifier(features, labels, numClasses, Math.min(20, labels.length), 0.07);
  }

  /** The class with the largest vote for every query row {@code [Q, F]}. */
  public int[] predict(INDArray queries) {
    if (queries.rank() != 2 || queries.size(1) != train.size(1)) {
      throw new IllegalArgumentException(
          "queries must be [Q, "
              + train.size(1)
              + "] like the training features, got "
              + Arrays.toString(queries.shape()));
    }
    INDArray q = unitRows(queries); // [Q, F]
    int total = (int) q.size(0);
    int[] out = new int[total];
    for (int start = 0; start < total; start += QUERY_CHUNK) {
      int n = Math.min(QUERY_CHUNK, total - start);
      INDArray sims =
          q.get(
                  org.nd4j.linalg.indexing.NDArrayIndex.interval(start, start + n),
                  org.nd4j.linalg.indexing.NDArrayIndex.all())
              .mmul(train.transpose()); // [n, M]
      float[][] s = sims.toFloatMatrix();
      sims.close(); // [512, M] per chunk: freed now, not at the next garbage collection
      for (int i = 0; i < n; i++) {
        out[start + i] = vote(s[i]);
      }
    }
    return out;
  }

  /** Top-1 accuracy on labelled query rows. */
  public double accuracy(INDArray queries, int[] queryLabels) {
    if (queries.size(0) != queryLabels.length) {
      throw new IllegalArgumentException(
          queries.size(0) + " query rows but " + queryLabels.length + " labels");
    }
    int[] p = predict(queries);
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      correct += p[i] == queryLabels[i] ? 1 : 0;
    }
    return (double) correct / p.length;
  }

  private int vote(float[] sims) {
    // partial selection of the k largest similarities
    int[] best = new int[k];
    int filled = 0;
    for (int j = 0; j < sims.length; j++) {
      if (filled < k) {
        int p = filled++;
        while (p > 0 && sims[best[p - 1]] < sims[j]) {
          best[p] = best[p - 1];
          p--;
        }
        best[p] = j;
      } else if (sims[j] > sims[best[k - 1]]) {
        int p = k - 1;
        while (p > 0 && sims[best[p - 1]] < sims[j]) {
          best[p] = best[p - 1];
          p--;
        }
        best[p] = j;
      }
    }
    double[] votes = new double[numClasses];
    for (int idx : best) {
      votes[labels[idx]] += temperature == 0 ? 1 : Math.exp(sims[idx] / temperature);
    }
    int arg = 0;
    for (int c = 1; c < numClasses; c++) {
      if (votes[c] > votes[arg]) {
        arg = c;
      }
    }
    return arg;
  }

  private static INDArray unitRows(INDArray x) {
    INDArray f = x.castTo(DataType.FLOAT).dup(); // [M, F]
    INDArray norms = f.norm2(true, 1).addi(1e-12f); // [M, 1]
    return f.diviColumnVector(norms);
  }

  /** Convenience for plain Java arrays. */
  public static KnnClassifier of(float[][] features, int[] labels, int numClasses) {
    return of(Nd4j.create(features), labels, numClasses);
  }
}
