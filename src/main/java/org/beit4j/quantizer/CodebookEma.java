package org.beit4j.quantizer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exponential-moving-average codebook updates of VQ-KD (seed article section 1.2.4): what
 * replaces the gradient of the codebook term of eq. (2). Plain Java on {@code double} arrays, in
 * place on the given ND4J arrays; letters {@code M} vectors, {@code K} codes, {@code d} code width.
 */
public final class CodebookEma {

  private CodebookEma() {}

  /**
   * The update the official {@code NormEMAVectorQuantizer.forward} performs in training (the one
   * {@link Codebook#update} uses). With {@code n_k} the number of vectors assigned to code k and
   * {@code m_k = l2(sum_{i: z_i = k} l2(h_i) / n_k)}:
   *
   * <pre>
   * clusterSize_k = decay * clusterSize_k + (1 - decay) * n_k
   * e_k           = l2(decay * e_k + (1 - decay) * m_k)      if n_k > 0, else unchanged
   * </pre>
   *
   * @param embeddings {@code [K, d]} unit rows, updated in place
   * @param clusterSize {@code [K]} EMA of the usage counts, updated in place
   * @param hNorm {@code [M, d]} l2-normalised encoder outputs
   * @param codes {@code M} assigned code indices
   */
  public static void normEma(
      INDArray embeddings, INDArray clusterSize, INDArray hNorm, int[] codes, double decay) {
    int k = (int) embeddings.size(0);
    double[][] e = rows(embeddings); // [K, d]
    long[] bins = counts(codes, k); // [K]
    double[][] sums = sums(rows(hNorm), codes, k, e[0].length); // [K, d]
    emaCounts(clusterSize, bins, decay);
    for (int j = 0; j < k; j++) {
      if (bins[j] == 0) {
        continue;
      }
      double[] mean = normalised(scaled(sums[j], 1.0 / bins[j]));
      for (int c = 0; c < mean.length; c++) {
        e[j][c] = decay * e[j][c] + (1 - decay) * mean[c];
      }
      e[j] = normalised(e[j]);
    }
    embeddings.assign(matrix(e, embeddings.dataType()));
  }

  /**
   * The classic VQ-VAE EMA with Laplace smoothing (the official {@code EmbeddingEMA.weight_update},
   * which BEiT v2's training path does not call), followed by l2 re-normalisation:
   *
   * <pre>
   * clusterSize_k = decay * clusterSize_k + (1 - decay) * n_k
   * embedAvg_k    = decay * embedAvg_k    + (1 - decay) * sum_{i: z_i = k} l2(h_i)
   * smoothed_k    = (clusterSize_k + eps) / (n + K * eps) * n,   n = sum_k clusterSize_k
   * e_k           = l2(embedAvg_k / smoothed_k)
   * </pre>
   *
   * <p>Because of the final l2, the positive factor {@code 1/smoothed_k} does not change the
   * direction of {@code e_k}; smoothing only keeps the division finite for unused codes.
   *
   * @param embeddings {@code [K, d]} replaced in place
   * @param clusterSize {@code [K]} updated in place
   * @param embedAvg {@code [K, d]} EMA of the per-code sums, updated in place
   * @param hNorm {@code [M, d]} l2-normalised encoder outputs
   * @param codes {@code M} assigned code indices
   */
  public static void laplaceEma(
      INDArray embeddings,
      INDArray clusterSize,
      INDArray embedAvg,
      INDArray hNorm,
      int[] codes,
      double decay,
      double eps) {
    int k = (int) embeddings.size(0);
    double[][] avg = rows(embedAvg); // [K, d]
    long[] bins = counts(codes, k); // [K]
    double[][] sums = sums(rows(hNorm), codes, k, avg[0].length); // [K, d]
    double[] size = emaCounts(clusterSize, bins, decay);
    double n = 0;
    for (double s : size) {
      n += s;
    }
    double[][] e = new double[k][];
    for (int j = 0; j < k; j++) {
      for (int c = 0; c < avg[j].length; c++) {
        avg[j][c] = decay * avg[j][c] + (1 - decay) * sums[j][c];
      }
      double smoothed = (size[j] + eps) / (n + k * eps) * n;
      e[j] = normalised(scaled(avg[j], 1.0 / smoothed));
    }
    embedAvg.assign(matrix(avg, embedAvg.dataType()));
    embeddings.assign(matrix(e, embeddings.dataType()));
  }

  /** How many of {@code codes} point at each of {@code k} codes. */
  public static long[] counts(int[] codes, int k) {
    long[] bins = new long[k];
    for (int z : codes) {
      if (z < 0 || z >= k) {
        throw new IllegalArgumentException("code index " + z + " outside [0, " + k + ")");
      }
      bins[z]++;
    }
    return bins;
  }

  /**
   * The rows of a matrix as Java arrays, copied out in one block ({@code toDoubleMatrix} copies row
   * by row and took seconds for an 8192-row codebook).
   */
  public static double[][] rows(INDArray a) {
    int m = (int) a.size(0);
    int d = (int) a.size(1);
    double[] flat = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[][] out = new double[m][];
    for (int i = 0; i < m; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
    return out;
  }

  /** The inverse of {@link #rows}: a {@code [M, d]} array of the given type. */
  public static INDArray matrix(double[][] rows, DataType type) {
    int d = rows[0].length;
    double[] flat = new double[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return Nd4j.create(flat, new long[] {rows.length, d}, DataType.DOUBLE).castTo(type);
  }

  /** Unit-length copy of {@code v}; a zero vector stays zero. */
  static double[] normalised(double[] v) {
    double ss = 0;
    for (double x : v) {
      ss += x * x;
    }
    double norm = Math.max(Math.sqrt(ss), VectorQuantizer.L2_EPS);
    return scaled(v, 1.0 / norm);
  }

  private static double[] scaled(double[] v, double f) {
    double[] out = new double[v.length];
    for (int c = 0; c < v.length; c++) {
      out[c] = v[c] * f;
    }
    return out;
  }

  private static double[][] sums(double[][] h, int[] codes, int k, int d) {
    if (h.length != codes.length) {
      throw new IllegalArgumentException(
          "h has " + h.length + " rows but " + codes.length + " codes were given");
    }
    double[][] sums = new double[k][d];
    for (int i = 0; i < h.length; i++) {
      if (h[i].length != d) {
        throw new IllegalArgumentException(
            "h has rows of width " + h[i].length + " but the codebook has width " + d);
      }
      for (int c = 0; c < d; c++) {
        sums[codes[i]][c] += h[i][c];
      }
    }
    return sums;
  }

  private static double[] emaCounts(INDArray clusterSize, long[] bins, double decay) {
    double[] size = clusterSize.toDoubleVector();
    for (int j = 0; j < size.length; j++) {
      size[j] = decay * size[j] + (1 - decay) * bins[j];
    }
    clusterSize.assign(Nd4j.createFromArray(size).castTo(clusterSize.dataType()));
    return size;
  }
}
