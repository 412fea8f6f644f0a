package org.beit4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a worker's round of {@code --sync-every N} local steps travels: as a {@link ShardPass} whose
 * "gradients" are its parameters ({@code param/<name>}) and AdamW moments ({@code m/<name>}, {@code
 * v/<name>}) and whose weight is its images, so that {@link Combiner} (collect or {@code
 * treeAggregate}) gives their mean weighted by images, the average the driver continues from.
 *
 * <p>Each local step's metrics travel as {@code <j>/<metric>} multiplied by {@code w_j / images} (w
 * = the metric's own weight, the shard's masked patches) beside {@code <j>/weight = w_j / images}:
 * the combined ratio is then {@code sum_r w_r x_r / sum_r w_r}, the weighting of the exact mode.
 * The learning rate and the worker's gradient norm travel as they are ({@code <j>/lr}, {@code
 * <j>/gradNorm}: the mean norm over the workers).
 */
final class LocalRound {

  /** The step count's entry in {@link org.beit4j.train.AdamW#state}. */
  static final String STEP = "step";

  private static final String PARAM = "param/";
  private static final String WEIGHT = "weight";
  private static final String RATE = "lr";
  private static final String NORM = "gradNorm";

  private LocalRound() {}

  /**
   * A worker's round as one pass.
   *
   * @param moments its AdamW state without {@link #STEP}
   * @param steps per local step, its shard's metrics and weight (gradients are not read)
   */
  static ShardPass encode(
      Map<String, INDArray> parameters,
      Map<String, INDArray> moments,
      List<Replicas.Pass> steps,
      double[] rates,
      double[] norms,
      long images,
      double seconds) {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    parameters.forEach((name, p) -> arrays.put(PARAM + name, p));
    arrays.putAll(moments);
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int j = 0; j < steps.size(); j++) {
      Replicas.Pass p = steps.get(j);
      double share = p.weight() / images;
      metrics.put(j + "/" + WEIGHT, share);
      for (Map.Entry<String, Double> m : p.metrics().entrySet()) {
        metrics.put(j + "/" + m.getKey(), m.getValue() * share);
      }
      metrics.put(j + "/" + RATE, rates[j]);
      metrics.put(j + "/" + NORM, norms[j]);
    }
    return ShardPass.of(new Replicas.Pass(arrays, metrics, images), seconds);
  }

  /**
   * The averaged parameters, the averaged moments and the round's steps from the combination of
   * every worker's {@link #encode}.
   */
  record Mean(
      Map<String, INDArray> parameters,
      Map<String, INDArray> moments,
      List<Pretrainer.TakenStep> steps) {}

  /** Reads a combined round of {@code n} steps. */
  static Mean decode(Replicas.Pass combined, int n) {
    Map<String, INDArray> parameters = new LinkedHashMap<>();
    Map<String, INDArray> moments = new LinkedHashMap<>();
    combined
        .gradients()
        .forEach(
            (name, a) -> {
              if (name.startsWith(PARAM)) {
                parameters.put(name.substring(PARAM.length()), a);
              } else {
                moments.put(name, a);
              }
            });
    List<Pretrainer.TakenStep> steps = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      String prefix = j + "/";
      double weight = combined.metrics().get(prefix + WEIGHT);
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (Map.Entry<String, Double> m : combined.metrics().entrySet()) {
        String name = m.getKey();
        if (name.startsWith(prefix)) {
          String metric = name.substring(prefix.length());
          if (!List.of(WEIGHT, RATE, NORM).contains(metric)) {
            metrics.put(metric, m.getValue() / weight);
          }
        }
      }
      steps.add(
          new Pretrainer.TakenStep(
              metrics,
              combined.metrics().get(prefix + RATE),
              combined.metrics().get(prefix + NORM)));
    }
    return new Mean(parameters, moments, steps);
  }
}
