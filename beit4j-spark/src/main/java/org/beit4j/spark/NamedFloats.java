package org.beit4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named float arrays in plain Java arrays, as they travel between the driver and the executors
 * (parameters one way, gradients the other): 4 bytes per value plus the names and shapes.
 *
 * @param names array names, in the order of the map they came from
 * @param shapes each array's shape
 * @param values each array's values in row-major order
 */
record NamedFloats(String[] names, long[][] shapes, float[][] values) implements Serializable {

  NamedFloats {
    if (names.length != shapes.length || names.length != values.length) {
      throw new IllegalArgumentException(
          names.length + " names, " + shapes.length + " shapes, " + values.length + " arrays");
    }
  }

  /** Copies of {@code arrays}' values, as float. */
  static NamedFloats of(Map<String, INDArray> arrays) {
    int n = arrays.size();
    String[] names = new String[n];
    long[][] shapes = new long[n][];
    float[][] values = new float[n][];
    int i = 0;
    for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
      names[i] = e.getKey();
      shapes[i] = e.getValue().shape();
      values[i] = e.getValue().castTo(DataType.FLOAT).dup('c').data().asFloat();
      i++;
    }
    return new NamedFloats(names, shapes, values);
  }

  /** New arrays by name, in order. */
  Map<String, INDArray> arrays() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      out.put(names[i], Nd4j.create(values[i], shapes[i], 'c'));
    }
    return out;
  }

  /**
   * Assigns every array to the live array of the same name.
   *
   * @throws IllegalArgumentException if the names or shapes differ
   */
  void copyInto(Map<String, INDArray> targets) {
    if (!targets.keySet().equals(new java.util.LinkedHashSet<>(List.of(names)))) {
      throw new IllegalArgumentException(
          "arrays " + Arrays.toString(names) + " do not match the graph's " + targets.keySet());
    }
    for (int i = 0; i < names.length; i++) {
      INDArray t = targets.get(names[i]);
      if (!Arrays.equals(t.shape(), shapes[i])) {
        throw new IllegalArgumentException(
            names[i]
                + " has shape "
                + Arrays.toString(shapes[i])
                + " but the graph's "
                + Arrays.toString(t.shape()));
      }
      t.assign(Nd4j.create(values[i], shapes[i], 'c').castTo(t.dataType()));
    }
  }

  /** Number of values. */
  long count() {
    long c = 0;
    for (float[] v : values) {
      c += v.length;
    }
    return c;
  }
}
