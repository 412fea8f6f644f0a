package org.beit4j.nn;

import java.util.Random;
import org.beit4j.Beit4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded initial values for graph parameters, following BEiT: truncated normal with standard
 * deviation 0.02 for linear, embedding, [CLS], position and bias-table weights, zeros for biases,
 * ones for LayerNorm gains and a constant for layer-scale vectors.
 *
 * <p>One {@code Init} is a stream of random numbers: building the same graph with the same seed
 * gives the same parameters. The data type (FLOAT, or DOUBLE for gradient checks) is carried here
 * so every building method creates parameters of one type.
 */
public final class Init {

  /** BEiT's standard deviation for weights. */
  public static final double STD = 0.02;

  static {
    Beit4j.init(); // every graph is built with an Init: switch the array cache off first
  }

  private final Random random;
  private final DataType dataType;

  public Init(long seed, DataType dataType) {
    this.random = new Random(seed);
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }

  /**
   * Samples {@code N(0, std^2)} truncated to {@code [-2 std, 2 std]} by rejection (about 95% of the
   * draws are accepted).
   */
  public static double[] truncatedNormal(Random random, int count, double std) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      double z;
      do {
        z = random.nextGaussian();
      } while (Math.abs(z) > 2.0);
      out[i] = z * std;
    }
    return out;
  }

  /** A truncated-normal array (std {@link #STD}) of the given shape. */
  public INDArray truncNormal(long... shape) {
    long count = 1;
    for (long s : shape) {
      count *= s;
    }
    double[] values = truncatedNormal(random, Math.toIntExact(count), STD);
    return Nd4j.create(values, shape, DataType.DOUBLE).castTo(dataType);
  }

  /** An array filled with {@code value}. */
  public INDArray constant(double value, long... shape) {
    return Nd4j.valueArrayOf(shape, value, dataType);
  }

  /** An array of zeros. */
  public INDArray zeros(long... shape) {
    return Nd4j.zeros(dataType, shape);
  }
}
