package org.beit4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.pretrain.StepMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One round of {@code --sync-every N} (parameter averaging, local SGD with AdamW): every worker
 * starts from the driver's parameters and AdamW moments, takes {@code n} AdamW steps of its own,
 * each on its shard of the step's batch (the shard the exact mode gives it), and sends back its
 * parameters and moments ({@link LocalRound}); the driver takes their mean weighted by images
 * ({@link Combiner}: collect or {@code treeAggregate}, as for gradients) and continues from it
 * ({@link Pretrainer#adopt}).
 *
 * <p>Not exact: each local step clips and normalises a gradient of {@code batch / K} images, and
 * after the first step of a round the workers' parameters drift apart, so from step 2 of a round on
 * the result differs from one-process training; the mean of AdamW states is not the state of any
 * AdamW run. Step 1 of a round is computed at the same parameters as the exact mode, so its metrics
 * are the same.
 */
final class SyncRound {

  /**
   * @param steps the round's metrics rows
   * @param taskSeconds the longest time a worker spent on the round
   */
  record Result(List<StepMetrics> steps, double taskSeconds) {}

  private SyncRound() {}

  /** Runs steps {@code s + 1 .. s + n} as one round of local steps and averages the workers. */
  static Result run(
      JavaSparkContext sc,
      Worker.Spec spec,
      Broadcast<ParamSnapshot> params,
      Pretrainer trainer,
      Plan plan,
      int treeFrom,
      long s,
      int n,
      long startNanos) {
    List<List<Shard>> steps = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      steps.add(plan.shards(s + j));
    }
    List<Shard[]> perWorker = new ArrayList<>();
    for (int w = 0; w < steps.get(0).size(); w++) {
      Shard[] mine = new Shard[n];
      for (int j = 0; j < n; j++) {
        mine[j] = steps.get(j).get(w);
      }
      perWorker.add(mine);
    }
    Map<String, INDArray> state = new LinkedHashMap<>(trainer.optimizer().state());
    state.remove(LocalRound.STEP);
    Broadcast<NamedFloats> moments = sc.broadcast(NamedFloats.of(state));
    Combiner.Combined c =
        Combiner.combine(
            sc.parallelize(perWorker, perWorker.size())
                .map(shards -> Worker.round(spec, params.value(), moments.value(), shards)),
            treeFrom);
    moments.destroy();
    LocalRound.Mean mean = LocalRound.decode(c.pass(), n);
    Map<String, INDArray> after = new LinkedHashMap<>(mean.moments());
    after.put(LocalRound.STEP, Nd4j.scalar(s + n));
    long batch = (long) c.pass().weight() / n;
    List<StepMetrics> done =
        trainer.adopt(mean.parameters(), after, mean.steps(), batch, startNanos);
    return new Result(done, c.taskSeconds());
  }
}
