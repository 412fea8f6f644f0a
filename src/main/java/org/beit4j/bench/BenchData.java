package org.beit4j.bench;

import java.util.Arrays;
import org.beit4j.data.SyntheticImages;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Inputs of the stage benchmarks: speed does not depend on the pixel values, only on shapes. */
final class BenchData {

  static final int CLASSES = 10;
  static final long SEED = 1L;

  private BenchData() {}

  /** Random pixels in [0, 1], {@code [B, C, S, S]}. */
  static INDArray images(int batch, int channels, int side) {
    return Nd4j.rand(DataType.FLOAT, batch, channels, side, side); // [B, C, S, S]
  }

  /** One-hot labels {@code [B, K]}, image i of class {@code i % K}. */
  static INDArray labels(int batch, int classes) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes); // [B, K]
    for (int i = 0; i < batch; i++) {
      y.putScalar(i, i % classes, 1f);
    }
    return y;
  }

  /** A labelled generated set of {@code size} square images, {@value #CLASSES} classes. */
  static SyntheticImages dataset(int size, int channels, int side) {
    return new SyntheticImages(size, channels, side, side, CLASSES, SEED);
  }

  /** The timed tail of a list of per-step milliseconds: drops the first {@code warmup}. */
  static double[] afterWarmup(double[] all, int warmup) {
    if (all.length <= warmup) {
      throw new IllegalStateException(
          "the stage ran " + all.length + " steps, not more than the " + warmup + " warm-up ones");
    }
    return Arrays.copyOfRange(all, warmup, all.length);
  }
}
