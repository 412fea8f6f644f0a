package org.beit4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The host's dense float matrix-multiply speed: what every ViT step is built from. */
public final class GemmBenchmark {

  private GemmBenchmark() {}

  /**
   * Median GFLOP/s of {@code C = A B} for square float matrices of side {@code n} ({@code 2 n^3}
   * flops per product).
   */
  public static double gflops(int n, int warmup, int runs) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    double ms =
        Stopwatch.medianMillis(warmup, runs, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
    return 2.0 * n * n * (double) n / (ms * 1e6);
  }
}
