package org.beit4j.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.beit4j.Beit4j;
import org.beit4j.quantizer.Codebook;
import org.beit4j.quantizer.CodebookEma;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.quantizer.QuantizerConfig;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.teacher.Teacher;
import org.beit4j.train.AdamW;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.Optimizer;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.beit4j.train.Schedule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VQ-KD training loop: each batch's rows shared among graph {@link Replicas} of {@link
 * VqKdGraph} ({@code run.replicas}), whose {@code fit} passes give the gradients of one {@link
 * AdamW} step (Adam unless the run's optimiser sets decay or clipping), and after each step, in
 * plain Java, ONE codebook update (EMA and dead-code re-seeding) from the code indices and encoder
 * outputs all replicas computed in that step (captured from inside {@code fit}, not recomputed, and
 * joined in batch order), then the new codebook copied into every replica's graph.
 */
final class VqKdTrainer {

  private static final Logger log = LoggerFactory.getLogger(VqKdTrainer.class);

  static {
    Beit4j.init();
  }

  private final VqKdConfig cfg;
  private final Teacher teacher;
  private final MultiDataSetIterator data;
  private final Consumer<VqKdTokenizer.StepLog> onLog;
  private final ProgressBar bar;
  private final String inputName;
  private final String indicesName;

  VqKdTrainer(
      VqKdConfig cfg,
      Teacher teacher,
      MultiDataSetIterator data,
      ProgressBar bar,
      Consumer<VqKdTokenizer.StepLog> onLog) {
    VqKdTokenizer.checkTeacher(cfg, teacher);
    this.cfg = cfg;
    this.teacher = teacher;
    this.data = data;
    this.bar = bar;
    this.onLog = onLog;
    boolean euclid = cfg.mode() == VqKdConfig.CodebookMode.EUCLIDEAN_EMA;
    this.inputName = euclid ? VqKdGraph.H : "vqkd/quantizer/hnorm/out";
    this.indicesName = "vqkd/quantizer/nearest/indices";
  }

  /** Result of a run: the graph, the codebook state (null unless COSINE_EMA) and the logs. */
  record Result(SameDiff sd, Codebook codebook, List<VqKdTokenizer.StepLog> logs) {}

  /** What one replica's fit pass gave: its pass, and its encoder outputs and codes for the EMA. */
  private record Share(Replicas.Pass pass, INDArray hq, int[] codes) {}

  Result run() {
    QuantizerConfig q = cfg.quantizer();
    Set<String> captured = Set.of(inputName, indicesName, VqKdGraph.DISTILL, VqKdGraph.COMMIT);
    try (Replicas<GradientGraph> graphs =
        Replicas.create(
            Replicas.resolve(cfg.run().replicas()),
            r ->
                new GradientGraph(
                    VqKdGraph.build(
                        cfg, Codebook.random(q, DataType.FLOAT, cfg.seed()).embeddings()),
                    List.of(VqKdGraph.IMAGES),
                    List.of(VqKdGraph.TEACHER),
                    captured),
            GradientGraph::parameters)) {
      return run(graphs);
    }
  }

  private Result run(Replicas<GradientGraph> graphs) {
    QuantizerConfig q = cfg.quantizer();
    SameDiff sd = graphs.primary().sameDiff();
    List<MultiDataSet> first = new ArrayList<>();
    for (int i = 0; i < cfg.kmeansBatches(); i++) {
      first.add(nextBatch());
    }
    Codebook codebook = initCodebook(sd, first);
    copyCodebook(graphs);
    graphs.broadcast(); // the learned codebook of COSINE_GRADIENT is a parameter
    Optimizer o = cfg.run().optimizer();
    AdamW adam =
        new AdamW(
            schedule(),
            o.weightDecay(),
            o.beta1(),
            o.beta2(),
            o.epsilon(),
            o.clipNorm(),
            AdamW::beitDecay);
    CodebookHealth.Accumulator window = new CodebookHealth.Accumulator(q.codebookSize());
    List<VqKdTokenizer.StepLog> logs = new ArrayList<>();
    double distillSum = 0;
    double commitSum = 0;
    int reseeded = 0;
    long windowStart = System.nanoTime();
    for (int step = 1; step <= cfg.steps(); step++) {
      MultiDataSet batch = step <= first.size() ? first.get(step - 1) : nextBatch();
      List<Share> shares = graphs.map(split(batch, graphs.size()), this::share);
      Replicas.Pass pass =
          graphs.apply(adam, Replicas.combine(shares.stream().map(Share::pass).toList()));
      // the codebook step sees the whole batch's encoder outputs and codes, in batch order
      INDArray hq = Nd4j.concat(0, shares.stream().map(Share::hq).toArray(INDArray[]::new));
      int[] codes = shares.stream().flatMapToInt(x -> Arrays.stream(x.codes())).toArray();
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
      reseeded += updateCodebook(sd, codebook, hq, codes);
      copyCodebook(graphs);
      int every = cfg.run().logEvery();
      if (step % every == 0 || step == cfg.steps()) {
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
        log.debug("{}", entry); // the progress bar and onLog show it; INFO would flood notebooks
        if (onLog != null) {
          onLog.accept(entry);
        }
        if (bar != null) {
          bar.metric("loss", entry.distill() + entry.commitment())
              .metric("cos", entry.cosine())
              .metric("used", String.format("%.1f%%", 100 * entry.usedFraction()))
              .metric("ppl", entry.perplexity());
        }
        window.reset();
        distillSum = 0;
        commitSum = 0;
        reseeded = 0;
        windowStart = System.nanoTime();
      }
      if (bar != null) {
        bar.step(batch.getFeatures(0).size(0));
      }
    }
    if (cfg.mode() == VqKdConfig.CodebookMode.COSINE_GRADIENT) {
      INDArray learned = sd.getVariable(VqKdGraph.CODEBOOK).getArr();
      codebook = Codebook.of(q, learned.dup(), cfg.seed());
    }
    return new Result(
        sd, cfg.mode() == VqKdConfig.CodebookMode.EUCLIDEAN_EMA ? null : codebook, logs);
  }

  /**
   * One replica's fit pass on its rows: gradients, the distillation and commitment losses (means
   * over its rows' patches, so weighted by its images) and the encoder outputs and codes.
   */
  private Share share(GradientGraph g, MultiDataSet shard) {
    Replicas.Pass p = g.pass(shard, shard.getFeatures(0).size(0));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(VqKdGraph.DISTILL, g.activation(VqKdGraph.DISTILL).getDouble(0));
    metrics.put(VqKdGraph.COMMIT, g.activation(VqKdGraph.COMMIT).getDouble(0));
    return new Share(
        new Replicas.Pass(p.gradients(), metrics, p.weight()),
        g.activation(inputName), // [M_r, d]
        g.activation(indicesName).toIntVector()); // [M_r]
  }

  /** A batch's rows split {@code k} ways (images and teacher features alike). */
  private static List<MultiDataSet> split(MultiDataSet batch, int k) {
    INDArray x = batch.getFeatures(0); // [B, C, H, W]
    INDArray t = batch.getLabels(0); // [B, N, Dt]
    return Replicas.split(
        (int) x.size(0),
        k,
        r -> new org.nd4j.linalg.dataset.MultiDataSet(Replicas.rows(x, r), Replicas.rows(t, r)));
  }

  /** Copies replica 0's codebook (a graph constant in the EMA modes) into the other replicas. */
  private static void copyCodebook(Replicas<GradientGraph> graphs) {
    INDArray e = graphs.primary().sameDiff().getArrForVarName(VqKdGraph.CODEBOOK);
    for (GradientGraph g : graphs.all().subList(1, graphs.size())) {
      g.sameDiff().getArrForVarName(VqKdGraph.CODEBOOK).assign(e);
    }
  }

  /** Warm-up from 0 to the peak rate, then a cosine decay to the floor, one value per step. */
  private MapSchedule schedule() {
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

  private MultiDataSet nextBatch() {
    if (!data.hasNext()) {
      data.reset();
      if (!data.hasNext()) {
        throw new IllegalArgumentException("the training data gave no batch");
      }
    }
    INDArray images = data.next().getFeatures(0); // [B, C, H, W]
    VqKdTokenizer.checkImages(cfg, images);
    INDArray t = teacher.patchFeatures(images).castTo(DataType.FLOAT); // [B, N, Dt]
    return new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {images.castTo(DataType.FLOAT)}, new INDArray[] {t});
  }

  /** k-means (or, in Euclidean mode, random encoder outputs) on the first batches. */
  private Codebook initCodebook(SameDiff sd, List<MultiDataSet> batches) {
    List<INDArray> hs = new ArrayList<>();
    for (MultiDataSet b : batches) {
      hs.add(sd.outputSingle(Map.of(VqKdGraph.IMAGES, b.getFeatures(0)), inputName));
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
  private int updateCodebook(SameDiff sd, Codebook codebook, INDArray hq, int[] codes) {
    switch (cfg.mode()) {
      case COSINE_EMA -> {
        int reseeded = codebook.update(hq, codes);
        codebook.copyTo(sd, VqKdGraph.CODEBOOK);
        return reseeded;
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
