package org.beit4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Replicas.Pass} (gradients, metrics and weight of one shard, or the weighted mean of
 * several) in a form that travels between executors and the driver, with the seconds the executor
 * spent on it (loading the images, tokenizing, the forward and backward pass) to tell the Spark
 * path's overhead from the work, and for VQ-KD the shard's encoder outputs and codes ({@link
 * Rows}), which the codebook step needs in batch order.
 */
record ShardPass(
    NamedFloats gradients,
    String[] metricNames,
    double[] metrics,
    double weight,
    double seconds,
    Rows[] rows)
    implements Serializable {

  /**
   * One shard's rows for the VQ-KD codebook step.
   *
   * @param offset row of the shard's first image within the step's batch
   * @param width {@code d}, the code width
   * @param h {@code [M_r, d]} row-major: the vectors its codes were chosen for
   * @param codes {@code M_r} code indices
   */
  record Rows(int offset, int width, float[] h, int[] codes) implements Serializable {}

  /** Nothing: weight 0, no arrays; the start of a tree aggregation. */
  static final ShardPass EMPTY =
      new ShardPass(
          NamedFloats.of(Map.of()), new String[0], new double[0], 0, 0, new ShardPass.Rows[0]);

  static ShardPass of(Replicas.Pass p, double seconds) {
    String[] names = p.metrics().keySet().toArray(String[]::new);
    double[] values = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] = p.metrics().get(names[i]);
    }
    return new ShardPass(
        NamedFloats.of(p.gradients()), names, values, p.weight(), seconds, new Rows[0]);
  }

  /** This pass with one shard's encoder outputs {@code hq [M_r, d]} and codes. */
  ShardPass withRows(int offset, INDArray hq, int[] codes) {
    float[] h = hq.castTo(DataType.FLOAT).dup('c').data().asFloat();
    Rows r = new Rows(offset, (int) hq.size(1), h, codes);
    return new ShardPass(gradients, metricNames, metrics, weight, seconds, new Rows[] {r});
  }

  /** This pass's gradients, metrics and weight as the library's record. */
  Replicas.Pass pass() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < metricNames.length; i++) {
      m.put(metricNames[i], metrics[i]);
    }
    return new Replicas.Pass(gradients.arrays(), m, weight);
  }

  /** The rows of {@code a} and {@code b}, in batch order. */
  static Rows[] join(Rows[] a, Rows[] b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b))
        .sorted(Comparator.comparingInt(Rows::offset))
        .toArray(Rows[]::new);
  }

  /** Every row's {@code h} stacked in order, {@code [M, d]}, or null if there are none. */
  static INDArray h(Rows[] rows) {
    if (rows.length == 0) {
      return null;
    }
    INDArray[] parts = new INDArray[rows.length];
    for (int i = 0; i < rows.length; i++) {
      Rows r = rows[i];
      parts[i] = Nd4j.create(r.h(), new long[] {r.h().length / r.width(), r.width()}, 'c');
    }
    return Nd4j.concat(0, parts); // [M, d]
  }

  /** Every row's codes in order. */
  static int[] codes(Rows[] rows) {
    return Arrays.stream(rows).flatMapToInt(r -> Arrays.stream(r.codes())).toArray();
  }
}
