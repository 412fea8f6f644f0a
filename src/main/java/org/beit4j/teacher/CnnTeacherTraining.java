package org.beit4j.teacher;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.train.AdamW;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.beit4j.train.WarmupCosineSchedule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The CNN teacher's supervised training: each batch shared among graph {@link Replicas} whose
 * combined gradient takes one Adam step ({@link AdamW} with Adam's defaults 0.9, 0.999, 1e-8, no
 * decay, no clipping) on a linear warm-up over the first 2% of the steps, then a half cosine down
 * to 0. {@link #step} is the step {@link CnnTeacher#train} takes (public for the step benchmark).
 */
public final class CnnTeacherTraining implements AutoCloseable {

  private static final int METRIC_EVERY = 20;
  private static final int WARMUP_DIVISOR = 50;

  private final Replicas<GradientGraph> graphs;
  private final AdamW adam;

  private CnnTeacherTraining(Replicas<GradientGraph> graphs, AdamW adam) {
    this.graphs = graphs;
    this.adam = adam;
  }

  /**
   * The untrained network ({@code config.seed()}) in {@code replicas} copies (0 = the JVM's
   * default) with the optimiser of a run of {@code totalSteps} steps.
   */
  public static CnnTeacherTraining create(CnnTeacherConfig config, int totalSteps, int replicas) {
    int warmup = Math.max(1, totalSteps / WARMUP_DIVISOR);
    AdamW adam =
        new AdamW(
            new WarmupCosineSchedule(config.learningRate(), 0, warmup, totalSteps),
            0,
            0.9,
            0.999,
            1e-8,
            0,
            (name, shape) -> false);
    Replicas<GradientGraph> graphs =
        Replicas.create(
            Replicas.resolve(replicas),
            r ->
                new GradientGraph(
                    CnnTeacherNet.build(config),
                    List.of(CnnTeacherNet.PIXELS),
                    List.of(CnnTeacherNet.LABEL),
                    Set.of()),
            GradientGraph::parameters);
    return new CnnTeacherTraining(graphs, adam);
  }

  /**
   * One optimiser step on images {@code [B, C, S, S]} in [0, 1] and one-hot labels {@code [B, K]},
   * the rows shared among the replicas.
   */
  public void step(MultiDataSet batch) {
    INDArray x = batch.getFeatures(0); // [B, C, S, S]
    INDArray y = batch.getLabels(0); // [B, K]
    List<MultiDataSet> shards =
        Replicas.split(
            (int) x.size(0),
            graphs.size(),
            r ->
                new org.nd4j.linalg.dataset.MultiDataSet(Replicas.rows(x, r), Replicas.rows(y, r)));
    // the loss is a batch mean: each shard weighs by its images
    graphs.step(adam, shards, (g, b) -> g.pass(b, b.getFeatures(0).size(0)));
  }

  /** The graph being trained (replica 0). */
  public SameDiff sameDiff() {
    return graphs.primary().sameDiff();
  }

  /** The number of replicas. */
  public int replicas() {
    return graphs.size();
  }

  @Override
  public void close() {
    graphs.close();
  }

  /** The sum of every trainable value: NaN or infinite as soon as one of them is. */
  static double paramSum(SameDiff sd) {
    double sum = 0;
    for (org.nd4j.autodiff.samediff.SDVariable v : sd.variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
        sum += v.getArr().sumNumber().doubleValue();
      }
    }
    return sum;
  }

  /** The trained graph (replica 0), the steps taken and the images of one epoch. */
  record Trained(SameDiff sameDiff, long steps, int imagesPerEpoch) {}

  /** {@code config.epochs()} passes of seeded, flipped batches with a progress bar. */
  static Trained run(CnnTeacherConfig config, ImageDataset train, int replicas) {
    TransformConfig transform =
        TransformConfig.plain(config.imageSize(), config.channels())
            .withFlip(config.flipProbability());
    LoaderConfig loader =
        LoaderConfig.of(config.batchSize()).withSeed(config.seed()).withLimit(config.trainLimit());
    ImageBatchIterator it = ImageBatchIterator.of(train, transform, loader);
    int stepsPerEpoch = (it.imagesPerEpoch() + config.batchSize() - 1) / config.batchSize();
    int total = stepsPerEpoch * config.epochs();
    long steps = 0;
    try (CnnTeacherTraining training = create(config, total, replicas);
        ProgressBar bar = new ProgressBar("teacher", total, "img")) {
      SameDiff sd = training.sameDiff();
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        if (epoch > 0) {
          it.reset();
        }
        while (it.hasNext()) {
          MultiDataSet batch = it.next();
          training.step(batch);
          steps++;
          NonFiniteException.require("CNN teacher training", steps, "parameters", paramSum(sd));
          if (steps % METRIC_EVERY == 1 || steps == total) {
            Map<String, INDArray> out =
                sd.output(
                    Map.of(
                        CnnTeacherNet.PIXELS, batch.getFeatures(0),
                        CnnTeacherNet.LABEL, batch.getLabels(0)),
                    CnnTeacherNet.LOSS,
                    CnnTeacherNet.LOGITS);
            bar.metric("epoch", Integer.toString(epoch + 1));
            bar.metric("loss", out.get(CnnTeacherNet.LOSS).getDouble(0));
            bar.metric(
                "acc", CnnTeacher.accuracy(out.get(CnnTeacherNet.LOGITS), batch.getLabels(0)));
          }
          bar.step(batch.getFeatures(0).size(0));
        }
      }
      return new Trained(sd, steps, it.imagesPerEpoch());
    }
  }
}
