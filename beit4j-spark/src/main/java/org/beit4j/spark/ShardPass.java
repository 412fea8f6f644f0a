package org.beit4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beit4j.train.Replicas;

/**
 * A {@link Replicas.Pass} (gradients, metrics and weight of one shard) in a form that travels from
 * an executor to the driver, with the seconds the executor spent on it (loading the images,
 * tokenizing, the forward and backward pass) to tell the Spark path's overhead from the work.
 */
record ShardPass(
    NamedFloats gradients, String[] metricNames, double[] metrics, double weight, double seconds)
    implements Serializable {

  static ShardPass of(Replicas.Pass p, double seconds) {
    String[] names = p.metrics().keySet().toArray(String[]::new);
    double[] values = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] = p.metrics().get(names[i]);
    }
    return new ShardPass(NamedFloats.of(p.gradients()), names, values, p.weight(), seconds);
  }

  Replicas.Pass pass() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < metricNames.length; i++) {
      m.put(metricNames[i], metrics[i]);
    }
    return new Replicas.Pass(gradients.arrays(), m, weight);
  }
}
