package org.beit4j.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.beit4j.Beit4j;
import org.beit4j.quantizer.Codebook;
import org.beit4j.quantizer.CodebookEma;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.quantizer.QuantizerConfig;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.train.AdamW;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.Optimizer;
import org.beit4j.train.Replicas;
import org.beit4j.train.Schedule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The state of a VQ-KD run between steps, apart from where its batches and gradients come from: the
 * graph {@link Replicas} (replica 0 is the one the optimiser updates and the tokenizer keeps), the
 * codebook with its EMA state, one {@link AdamW} and the code-usage window of the logs.
 *
 * <p>A step ({@link #apply}) takes the whole batch's combined gradients ({@link Replicas#combine}
 * of every shard's {@link #share}) and every shard's encoder outputs and codes joined in batch
 * order: ONE AdamW step, then in plain Java ONE codebook update (EMA and dead-code re-seeding),
 * then the new codebook copied into every replica. {@link VqKdTokenizer#train} drives it with
 * in-process replicas; the beit4j-spark module drives it with shards computed on Spark executors
 * ({@link #replica}, {@link #weights}, {@link #share} on each) and a one-replica driver.
 */
public final class VqKdTraining {

  static {
    Beit4j.init();
  }

  /** The activation the codebook is matched to in {@link VqKdConfig.CodebookMode#COSINE_EMA}. */
  private static final String NORMALISED = "vqkd/quantizer/hnorm/out";

  private static final String NEAREST = "vqkd/quantizer/nearest/indices";

  /**
   * What one replica's fit pass on its shard gave.
   *
   * @param pass its gradients, and the distillation and commitment losses (means over its rows'
   *     patches, so weighted by its images)
   * @param hq {@code [M_r, d]} the vectors its codes were chosen for (the codebook step's input)
   * @param codes {@code M_r} code indices, patches of its images in row-major order
   */
  public record Share(Replicas.Pass pass, INDArray hq, int[] codes) {}

  private final VqKdConfig cfg;
  private final Replicas<GradientGraph> graphs;
  private final Codebook codebook; // null in EUCLIDEAN_EMA mode
  private final AdamW adam;
  private final CodebookHealth.Accumulator window;
  private final List<VqKdTokenizer.StepLog> logs = new ArrayList<>();
  private int step;
  private double distillSum;
  private double commitSum;
  private int reseeded;
  private long windowStart;

  private VqKdTraining(VqKdConfig cfg, Replicas<GradientGraph> graphs, Codebook codebook) {
    this.cfg = cfg;
    this.graphs = graphs;
    this.codebook = codebook;
    Optimizer o = cfg.run().optimizer();
    this.adam =
        new AdamW(
            schedule(cfg),
            o.weightDecay(),
            o.beta1(),
            o.beta2(),
            o.epsilon(),
            o.clipNorm(),
            AdamW::beitDecay);
    this.window = new CodebookHealth.Accumulator(cfg.quantizer().codebookSize());
    this.windowStart = System.nanoTime();
  }

  /**
   * A graph replica for training: {@link VqKdGraph#build} from the config's seed (so every replica
   * starts with the same weights), with a random codebook that {@link #start} replaces.
   */
  public static GradientGraph replica(VqKdConfig cfg) {
    QuantizerConfig q = cfg.quantizer();
    return new GradientGraph(
        VqKdGraph.build(cfg, Codebook.random(q, DataType.FLOAT, cfg.seed()).embeddings()),
        List.of(VqKdGraph.IMAGES),
        List.of(VqKdGraph.TEACHER),
        Set.of(quantizerInput(cfg), NEAREST, VqKdGraph.DISTILL, VqKdGraph.COMMIT));
  }

  private static String quantizerInput(VqKdConfig cfg) {
    return cfg.mode() == VqKdConfig.CodebookMode.EUCLIDEAN_EMA ? VqKdGraph.H : NORMALISED;
  }

  /**
   * Initialises the codebook from the encoder outputs of {@code firstBatches} (k-means, or random
   * encoder outputs in Euclidean mode) on replica 0 and gives every replica replica 0's weights.
   *
   * @param firstBatches images {@code [B, C, H, W]} of the first {@code kmeansBatches} batches
   */
  public static VqKdTraining start(
      VqKdConfig cfg, Replicas<GradientGraph> graphs, List<INDArray> firstBatches) {
    Codebook codebook = initCodebook(cfg, graphs.primary().sameDiff(), firstBatches);
    VqKdTraining t = new VqKdTraining(cfg, graphs, codebook);
    t.copyCodebook();
    graphs.broadcast(); // the learned codebook of COSINE_GRADIENT is a parameter
    return t;
  }

  /**
   * One replica's fit pass on its rows.
   *
   * @param shard features[0] images {@code [b, C, H, W]} in [0, 1], labels[0] the teacher's patch
   *     features {@code [b, N, Dt]}
   */
  public static Share share(VqKdConfig cfg, GradientGraph g, MultiDataSet shard) {
    Replicas.Pass p = g.pass(shard, shard.getFeatures(0).size(0));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(VqKdGraph.DISTILL, g.activation(VqKdGraph.DISTILL).getDouble(0));
    metrics.put(VqKdGraph.COMMIT, g.activation(VqKdGraph.COMMIT).getDouble(0));
    return new Share(
        new Replicas.Pass(p.gradients(), metrics, p.weight()),
        g.activation(quantizerInput(cfg)), // [M_r, d]
        g.activation(NEAREST).toIntVector()); // [M_r]
  }

  /**
   * A replica's live arrays a step changes: its parameters and the codebook (a graph constant in
   * the EMA modes), by name; what a remote replica must be sent before its next {@link #share}.
   */
  public static Map<String, INDArray> weights(GradientGraph g) {
    Map<String, INDArray> out = new LinkedHashMap<>(g.parameters());
    out.putIfAbsent(VqKdGraph.CODEBOOK, g.sameDiff().getArrForVarName(VqKdGraph.CODEBOOK));
    return out;
  }

  /**
   * One step: {@code combined} applied by AdamW to replica 0 and copied to the others, then the
   * codebook step on the whole batch's encoder outputs and codes.
   *
   * @param combined the batch's gradients and losses ({@link Replicas#combine} of the shares)
   * @param hq {@code [M, d]} every shard's {@link Share#hq}, joined in batch order
   * @param codes {@code M} every shard's codes, joined in batch order
   * @return the step's log entry if it ends a window of {@code run.logEvery} steps (or the run),
   *     else null
   */
  public VqKdTokenizer.StepLog apply(Replicas.Pass combined, INDArray hq, int[] codes) {
    Replicas.Pass pass = graphs.apply(adam, combined);
    step++;
    window.add(codes);
    NonFiniteException.require(
        "VQ-KD training",
        step,
        "distillation loss",
        pass.metrics().get(VqKdGraph.DISTILL),
        "encoder output",
        hq.sumNumber().doubleValue());
    distillSum += pass.metrics().get(VqKdGraph.DISTILL);
    commitSum += pass.metrics().get(VqKdGraph.COMMIT);
    reseeded += updateCodebook(hq, codes);
    copyCodebook();
    int every = cfg.run().logEvery();
    if (step % every != 0 && step != cfg.steps()) {
      return null;
    }
    int n = step % every == 0 ? every : step % every;
    double ms = (System.nanoTime() - windowStart) / 1e6 / n;
    CodebookHealth health = window.health();
    VqKdTokenizer.StepLog entry =
        new VqKdTokenizer.StepLog(
            step,
            distillSum / n,
            commitSum / n,
            1 - distillSum / n,
            health.usedFraction(),
            health.perplexity(),
            reseeded,
            ms);
    logs.add(entry);
    window.reset();
    distillSum = 0;
    commitSum = 0;
    reseeded = 0;
    windowStart = System.nanoTime();
    return entry;
  }

  /** Steps applied so far. */
  public int stepsDone() {
    return step;
  }

  /** The graph the optimiser updates (replica 0). */
  public GradientGraph primary() {
    return graphs.primary();
  }

  /**
   * The trained tokenizer: replica 0's graph, the codebook state and the logs, with provenance.
   *
   * @param teacherId the distilled teacher's {@code id()}
   * @param dataDescription the training data, for provenance
   */
  public VqKdTokenizer tokenizer(String teacherId, String dataDescription) {
    SameDiff sd = graphs.primary().sameDiff();
    Codebook kept = codebook;
    if (cfg.mode() == VqKdConfig.CodebookMode.COSINE_GRADIENT) {
      INDArray learned = sd.getVariable(VqKdGraph.CODEBOOK).getArr();
      kept = Codebook.of(cfg.quantizer(), learned.dup(), cfg.seed());
    }
    return VqKdTokenizer.trained(cfg, sd, kept, List.copyOf(logs), teacherId, dataDescription);
  }

  /** Copies replica 0's codebook (a graph constant in the EMA modes) into the other replicas. */
  private void copyCodebook() {
    INDArray e = graphs.primary().sameDiff().getArrForVarName(VqKdGraph.CODEBOOK);
    for (GradientGraph g : graphs.all().subList(1, graphs.size())) {
      g.sameDiff().getArrForVarName(VqKdGraph.CODEBOOK).assign(e);
    }
  }

  /** Warm-up from 0 to the peak rate, then a cosine decay to the floor, one value per step. */
  private static MapSchedule schedule(VqKdConfig cfg) {
    Map<Integer, Double> values = new HashMap<>();
    for (int i = 0; i < cfg.steps(); i++) {
      values.put(i, learningRateAt(cfg.run().schedule(), i));
    }
    return new MapSchedule(ScheduleType.ITERATION, values);
  }

  /** The learning rate of step {@code i} (from 0). */
  static double learningRateAt(Schedule s, int i) {
    double peak = s.learningRate();
    if (i < s.warmupSteps()) {
      return peak * (i + 1) / s.warmupSteps();
    }
    int decay = Math.max(1, s.totalSteps() - s.warmupSteps());
    double progress = Math.min(1.0, (double) (i - s.warmupSteps()) / decay);
    double min = s.minLearningRate();
    return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
  }

  /** k-means (or, in Euclidean mode, random encoder outputs) on the first batches. */
  private static Codebook initCodebook(VqKdConfig cfg, SameDiff sd, List<INDArray> batches) {
    List<INDArray> hs = new ArrayList<>();
    for (INDArray images : batches) {
      hs.add(sd.outputSingle(Map.of(VqKdGraph.IMAGES, images), quantizerInput(cfg)));
    }
    INDArray h = Nd4j.concat(0, hs.toArray(new INDArray[0])); // [M, d]
    QuantizerConfig q = cfg.quantizer();
    if (cfg.mode() == VqKdConfig.CodebookMode.EUCLIDEAN_EMA) {
      Random r = new Random(cfg.seed());
      INDArray e = Nd4j.create(DataType.FLOAT, q.codebookSize(), q.codeDim());
      for (int k = 0; k < q.codebookSize(); k++) {
        e.putRow(k, h.getRow(r.nextInt((int) h.size(0))));
      }
      sd.getArrForVarName(VqKdGraph.CODEBOOK).assign(e);
      return null;
    }
    Codebook codebook = Codebook.init(q, h, cfg.seed());
    codebook.copyTo(sd, VqKdGraph.CODEBOOK);
    return codebook;
  }

  /** The codebook step after a gradient step; returns the number of re-seeded codes. */
  private int updateCodebook(INDArray hq, int[] codes) {
    SameDiff sd = graphs.primary().sameDiff();
    switch (cfg.mode()) {
      case COSINE_EMA -> {
        int n = codebook.update(hq, codes);
        codebook.copyTo(sd, VqKdGraph.CODEBOOK);
        return n;
      }
      case EUCLIDEAN_EMA -> {
        INDArray e = sd.getArrForVarName(VqKdGraph.CODEBOOK);
        e.assign(euclideanEma(e, hq, codes, cfg.quantizer().emaDecay()));
        return 0;
      }
      default -> {
        return 0; // the codebook is a graph variable: fit has moved it
      }
    }
  }

  /**
   * The plain VQ-VAE EMA without normalisation: {@code e_k = decay e_k + (1 - decay) mean_{i: z_i =
   * k} h_i} for every code used in the batch; unused codes stay.
   *
   * @param e {@code [K, d]}
   * @param h {@code [M, d]}
   * @return the new {@code [K, d]}
   */
  static INDArray euclideanEma(INDArray e, INDArray h, int[] codes, double decay) {
    double[][] rows = CodebookEma.rows(e);
    double[][] hs = CodebookEma.rows(h);
    int d = rows[0].length;
    double[][] sums = new double[rows.length][d];
    long[] counts = CodebookEma.counts(codes, rows.length);
    for (int i = 0; i < hs.length; i++) {
      for (int c = 0; c < d; c++) {
        sums[codes[i]][c] += hs[i][c];
      }
    }
    for (int k = 0; k < rows.length; k++) {
      if (counts[k] == 0) {
        continue;
      }
      for (int c = 0; c < d; c++) {
        rows[k][c] = decay * rows[k][c] + (1 - decay) * sums[k][c] / counts[k];
      }
    }
    return CodebookEma.matrix(rows, e.dataType());
  }
}
