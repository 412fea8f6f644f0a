package org.beit4j.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.InputContract;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.train.AdamW;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.beit4j.train.WarmupCosineSchedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end fine-tuning of a ViT with a new linear head on the labelled training split, scored as
 * top-1 on the held-out split (BEiT's fine-tuning protocol at small scale).
 *
 * <p>Each step shares the batch's rows among the {@link Replicas} of the classifier ({@code
 * config.replicas()}); each runs one {@code SameDiff.fit} pass whose own update is cancelled, the
 * logits it computed captured for the reported loss and accuracy ({@link ClassifierReplica}); the
 * combined gradient then takes one {@link AdamW} step with BEiT's weight-decay rule and the
 * per-parameter scales of {@link LayerDecay}. Start from an exported pretrained backbone ({@link
 * #fromBackbone}) or from a randomly initialised ViT of the same shape ({@link #fromScratch}, the
 * baseline).
 */
public final class FineTune {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(FineTune.class);
  private static final int EVAL_CHUNK = FeatureSource.DEFAULT_CHUNK;

  private final Replicas<ClassifierReplica> replicas;
  private final VisionTransformer model;
  private final FineTuneConfig config;

  /**
   * @param build builds replica {@code r}'s classifier (on that replica's thread)
   */
  private FineTune(IntFunction<VisionTransformer> build, FineTuneConfig config) {
    this.config = config;
    this.replicas =
        Replicas.create(
            Replicas.resolve(config.replicas()),
            r -> new ClassifierReplica(fed(build.apply(r), config), config.learningRate()),
            ClassifierReplica::parameters);
    this.model = replicas.primary().model();
  }

  /**
   * The classifier takes what the fine-tuning feeds it: pixels normalised by the config, if set.
   */
  private static VisionTransformer fed(VisionTransformer model, FineTuneConfig config) {
    return config.normalization() == null
        ? model
        : model.withInputContract(
            new InputContract(
                model.config().imageSize(), model.config().channels(), config.normalization()));
  }

  /**
   * Loads an exported backbone ({@code backbone.sd} of a pretraining run) and puts a new head on
   * it.
   *
   * @throws org.beit4j.io.ArtefactException if the file is missing or not a beit4j
   *     VisionTransformer
   */
  public static FineTune fromBackbone(Path backboneFile, int numClasses, FineTuneConfig config) {
    return of(VisionTransformer.load(backboneFile), numClasses, config);
  }

  /** A randomly initialised ViT ({@code config.seed()}) of this shape: the no-pretraining row. */
  public static FineTune fromScratch(VitConfig vit, int numClasses, FineTuneConfig config) {
    return new FineTune(
        r -> VisionTransformer.build(vit, config.seed(), numClasses, config.pool(), DataType.FLOAT),
        config);
  }

  /** Copies of {@code backbone}'s encoder parameters under a new head; the backbone is kept. */
  public static FineTune of(VisionTransformer backbone, int numClasses, FineTuneConfig config) {
    return new FineTune(r -> backbone.withHead(numClasses, config.pool(), config.seed()), config);
  }

  /**
   * Loads the seeded subsets of {@code config}'s sizes and runs {@link #run(LabelledImages,
   * LabelledImages)}.
   */
  public FineTuneResult run(ImageDataset train, ImageDataset test) {
    return run(
        LabelledImages.load(train, config.trainLimit(), config.seed()),
        LabelledImages.load(test, config.testLimit(), config.seed()));
  }

  /**
   * Trains {@code config.epochs()} passes over {@code train} (a new seeded order each epoch, last
   * batch kept) and scores top-1 on {@code test}.
   *
   * @throws IllegalArgumentException if the splits' classes differ from the head's width
   */
  public FineTuneResult run(LabelledImages train, LabelledImages test) {
    for (LabelledImages s : List.of(train, test)) {
      if (s.numClasses() != model.numClasses()) {
        throw new IllegalArgumentException(
            s.source() + " has " + s.numClasses() + " classes but the head " + model.numClasses());
      }
    }
    long start = System.nanoTime();
    int m = train.size();
    int b = config.batchSize();
    int perEpoch = (m + b - 1) / b;
    int total = perEpoch * config.epochs();
    AdamW optimizer =
        new AdamW(
            new WarmupCosineSchedule(
                config.learningRate(),
                config.minLearningRate(),
                Math.min(config.warmupSteps(), total),
                total),
            config.weightDecay(),
            0.9,
            0.999,
            1e-8,
            0,
            AdamW::beitDecay,
            LayerDecay.of(model.config().depth(), config.layerDecay()));
    INDArray x = FeatureSource.normalize(train.images(), config.normalization()); // [M, C, H, W]
    INDArray flat = x.dup('c').reshape(m, x.length() / m); // [M, C*H*W]
    List<FineTuneResult.Step> history = new ArrayList<>();
    try (ProgressBar bar = new ProgressBar("fine-tune", total, "img")) {
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        int[] order = train.permutation(config.seed() * 31 + epoch);
        for (int from = 0; from < m; from += b) {
          int n = Math.min(b, m - from);
          int[] rows = Arrays.copyOfRange(order, from, from + n);
          long t0 = System.nanoTime();
          INDArray xb =
              Nd4j.pullRows(flat, 1, rows)
                  .reshape(n, x.size(1), x.size(2), x.size(3)); // [n, C, H, W]
          int[] yb = new int[n];
          for (int i = 0; i < n; i++) {
            yb[i] = train.labels()[rows[i]];
          }
          double[] lossAcc = step(optimizer, xb, yb);
          NonFiniteException.require(
              "fine-tuning",
              history.size() + 1,
              "loss",
              lossAcc[0],
              "gradient norm",
              optimizer.lastGradientNorm());
          FineTuneResult.Step s =
              new FineTuneResult.Step(
                  history.size() + 1,
                  optimizer.lastLearningRate(),
                  lossAcc[0],
                  lossAcc[1],
                  (System.nanoTime() - t0) / 1e9);
          history.add(s);
          bar.metric("loss", s.loss()).metric("acc", s.accuracy()).step(n);
        }
      }
    }
    double top1 = accuracy(test);
    double seconds = (System.nanoTime() - start) / 1e9;
    log.info(
        "fine-tune: {} steps, held-out top-1 {} ({} s)",
        total,
        top1,
        String.format("%.1f", seconds));
    return new FineTuneResult(top1, m, test.size(), total, seconds, history);
  }

  /**
   * One AdamW step on a batch, its rows shared among the replicas; returns {loss, accuracy} of the
   * logits the step computed.
   */
  private double[] step(AdamW optimizer, INDArray images, int[] labels) {
    List<ClassifierReplica.Shard> shards =
        Replicas.split(
            labels.length,
            replicas.size(),
            r ->
                new ClassifierReplica.Shard(
                    Replicas.rows(images, r), Arrays.copyOfRange(labels, r[0], r[1])));
    Map<String, Double> m = replicas.step(optimizer, shards, ClassifierReplica::pass).metrics();
    return new double[] {m.get(ClassifierReplica.LOSS), m.get(ClassifierReplica.ACCURACY)};
  }

  /** Top-1 of the current model on a labelled split, {@value #EVAL_CHUNK} images per pass. */
  public double accuracy(LabelledImages split) {
    int right = 0;
    for (int from = 0; from < split.size(); from += EVAL_CHUNK) {
      int to = Math.min(split.size(), from + EVAL_CHUNK);
      INDArray x = FeatureSource.normalize(split.images(from, to).dup(), config.normalization());
      int[] pred = model.logits(x).argMax(1).toIntVector();
      for (int i = 0; i < pred.length; i++) {
        right += pred[i] == split.labels()[from + i] ? 1 : 0;
      }
    }
    return (double) right / split.size();
  }

  /** The graph replicas that share each batch; all hold {@link #model}'s parameters. */
  Replicas<ClassifierReplica> replicas() {
    return replicas;
  }

  /** The classifier being trained (replica 0). */
  public VisionTransformer model() {
    return model;
  }

  public FineTuneConfig config() {
    return config;
  }
}
