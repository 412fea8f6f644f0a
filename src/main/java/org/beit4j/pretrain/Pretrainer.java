package org.beit4j.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.InputContract;
import org.beit4j.data.TwoViewTransform;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Provenance;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.AdamW;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEiT v2 stage 2: masked image modelling with the [CLS] branch against a frozen {@link
 * VisualTokenizer}, optimised by {@link AdamW}, with checkpoints, resumption, a metrics CSV and a
 * progress bar.
 *
 * <p>Data: a {@link MultiDataSetIterator} whose features[0] are the ViT view {@code [B, C, H, W]}
 * and optional features[1] the tokenizer view in [0, 1] (features[0] is used for both if absent);
 * {@link TwoViewTransform} makes batches in this order. The run directory (optional) receives
 * {@code metrics.csv}, {@code checkpoint-<step>} every {@code checkpointEvery} steps (the two
 * newest are kept), {@code final} and the exported {@code backbone}.
 */
public final class Pretrainer {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(Pretrainer.class);

  private final PretrainConfig config;
  private final Replicas<PretrainModel> replicas;
  private final PretrainModel model;
  private final AdamW optimizer;
  private final BlockMasking masking;
  private final VisualTokenizer tokenizer;
  private final Path runDir;
  private final List<StepMetrics> history = new ArrayList<>();
  private long step;
  private String data = "";

  private Pretrainer(
      PretrainConfig config,
      Replicas<PretrainModel> replicas,
      VisualTokenizer tokenizer,
      Path runDir) {
    checkTokenizer(config, tokenizer);
    this.config = config;
    this.replicas = replicas;
    this.model = replicas.primary();
    this.tokenizer = tokenizer;
    this.runDir = runDir;
    this.masking = new BlockMasking(config.masking(), config.seed());
    this.optimizer = AdamW.of(config.run().optimizer(), config.run().schedule(), AdamW::beitDecay);
  }

  /**
   * A fresh run.
   *
   * @param runDir where metrics, checkpoints and the export go, or {@code null} for none
   * @throws IllegalArgumentException if the tokenizer's grid or codebook does not fit the config
   */
  public static Pretrainer create(PretrainConfig config, VisualTokenizer tokenizer, Path runDir) {
    checkTokenizer(config, tokenizer);
    config.clsHeadWarning().ifPresent(w -> log.warn("{}", w));
    return new Pretrainer(config, replicas(config), tokenizer, runDir);
  }

  /**
   * {@code config.run().replicas()} (or the host's default) copies of the graph, built from its
   * seed.
   */
  private static Replicas<PretrainModel> replicas(PretrainConfig config) {
    return Replicas.create(
        Replicas.resolve(config.run().replicas()),
        r -> PretrainModel.build(config, DataType.FLOAT),
        PretrainModel::parameters);
  }

  /**
   * Continues the run saved in {@code checkpoint}; the next step is the one after the saved step
   * and computes exactly what the uninterrupted run would have.
   *
   * @param expected the config the caller means to continue, or {@code null} to take the stored one
   * @throws IllegalArgumentException if the checkpoint was written for a config other than {@code
   *     expected} (naming the fields), or the tokenizer does not fit
   */
  public static Pretrainer resume(
      Path checkpoint, PretrainConfig expected, VisualTokenizer tokenizer, Path runDir) {
    PretrainCheckpoint.State state = PretrainCheckpoint.read(checkpoint, expected);
    checkTokenizer(state.config(), tokenizer);
    if (!state.tokenizerId().equals(tokenizer.id())) {
      log.warn(
          "checkpoint {} was trained against tokenizer '{}', resuming with '{}'",
          checkpoint,
          state.tokenizerId(),
          tokenizer.id());
    }
    Replicas<PretrainModel> replicas = replicas(state.config());
    PretrainCheckpoint.restore(replicas.primary(), state.params(), checkpoint);
    replicas.broadcast();
    Pretrainer t = new Pretrainer(state.config(), replicas, tokenizer, runDir);
    try {
      t.optimizer.load(checkpoint.resolve(PretrainCheckpoint.OPTIMIZER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    t.step = state.step();
    if (t.optimizer.step() != t.step) {
      throw new IllegalArgumentException(
          "checkpoint "
              + checkpoint
              + " is inconsistent: step "
              + t.step
              + " but optimiser step "
              + t.optimizer.step());
    }
    return t;
  }

  private static void checkTokenizer(PretrainConfig config, VisualTokenizer tokenizer) {
    VitConfig vit = config.vit();
    if (tokenizer.gridSize() != vit.gridSize()) {
      throw new IllegalArgumentException(
          "tokenizer "
              + tokenizer.id()
              + " gives a "
              + tokenizer.gridSize()
              + "x"
              + tokenizer.gridSize()
              + " token grid but the backbone has "
              + vit.gridSize()
              + "x"
              + vit.gridSize()
              + " patches (imageSize "
              + vit.imageSize()
              + " / patchSize "
              + vit.patchSize()
              + "): use a tokenizer with the backbone's patch grid");
    }
    if (tokenizer.codebookSize() != config.codebookSize()) {
      throw new IllegalArgumentException(
          "tokenizer "
              + tokenizer.id()
              + " has "
              + tokenizer.codebookSize()
              + " codes but config.codebookSize is "
              + config.codebookSize());
    }
  }

  /** Describes the data for provenance, e.g. "fashion-mnist train, 60000 images". */
  public Pretrainer data(String description) {
    this.data = description;
    return this;
  }

  /** Builds the placeholders of a data batch for step {@code step} (masks, tokenizer codes). */
  public PretrainModel.Batch prepare(MultiDataSet batch, long forStep) {
    INDArray images = batch.getFeatures(TwoViewTransform.VIT_VIEW);
    INDArray tokView =
        batch.getFeatures().length > 1
            ? batch.getFeatures(TwoViewTransform.TOKENIZER_VIEW)
            : images;
    VitConfig vit = config.vit();
    long[] s = images.shape();
    if (s.length != 4
        || s[1] != vit.channels()
        || s[2] != vit.imageSize()
        || s[3] != vit.imageSize()) {
      throw new IllegalArgumentException(
          "expected ViT-view images [B, "
              + vit.channels()
              + ", "
              + vit.imageSize()
              + ", "
              + vit.imageSize()
              + "] but got "
              + Arrays.toString(s));
    }
    int b = (int) s[0];
    if (tokView.size(0) != b) {
      throw new IllegalArgumentException(
          "tokenizer view has " + tokView.size(0) + " images but the ViT view " + b);
    }
    int[][] codes = tokenizer.tokenize(tokView);
    INDArray codeArr = Nd4j.createFromArray(codes).castTo(DataType.INT); // [B, N]
    INDArray mask = masking.batch(forStep, b).castTo(model.dataType()); // [B, N]
    return new PretrainModel.Batch(images.castTo(model.dataType()), mask, codeArr);
  }

  /** One optimiser step on a batch; returns what it measured. */
  public StepMetrics step(MultiDataSet batch) {
    long start = System.nanoTime();
    PretrainModel.Batch b = prepare(batch, step);
    // each replica's gradients and metrics of one fit pass on its rows (2-3x faster than
    // calculateGradientsAndOutputs in M2.1, and no second forward pass), combined into the
    // whole batch's and applied once
    Replicas.Pass combined =
        replicas.compute(PretrainModel.split(b, replicas.size()), PretrainModel::replicaPass);
    return apply(combined, b.images().size(0), start);
  }

  /**
   * One optimiser step with the gradients of step {@code stepsDone() + 1}'s batch computed
   * elsewhere, e.g. by {@link PretrainModel#replicaPass} on shards in other processes (the
   * beit4j-spark module) and combined by {@link Replicas#combine}: clipped and applied to {@link
   * #model} exactly as {@link #step(MultiDataSet)} applies its own replicas' pass, then copied to
   * the replicas.
   *
   * @param combined the whole batch's gradients and metrics ({@link PretrainModel#metricNames})
   * @param images the batch size, for the images/s figure
   * @param startNanos {@link System#nanoTime} when the step began
   */
  public StepMetrics apply(Replicas.Pass combined, long images, long startNanos) {
    optimizer.step(model.parameters(), combined.gradients());
    replicas.broadcast();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return record(
        combined.metrics(),
        optimizer.lastLearningRate(),
        optimizer.lastGradientNorm(),
        images / seconds);
  }

  /**
   * A step taken elsewhere, for {@link #adopt}.
   *
   * @param metrics the batch's metrics ({@link PretrainModel#metricNames})
   * @param learningRate the rate the step used
   * @param gradNorm the gradient norm before clipping
   */
  public record TakenStep(Map<String, Double> metrics, double learningRate, double gradNorm) {}

  /**
   * Continues from parameters and optimiser state reached elsewhere after {@code steps.size()} more
   * steps, e.g. the mean of workers that each took their own AdamW steps on their shards
   * (beit4j-spark's {@code --sync-every}), and records one metrics row per step.
   *
   * @param parameters every parameter of {@link #model}, by name (copied into it and the replicas)
   * @param optimizerState an {@link AdamW#state} whose step count is {@code stepsDone() +
   *     steps.size()} (taken, not copied)
   * @param images images per step, for the images/s figure
   * @throws IllegalArgumentException if the names or the step count do not match
   */
  public List<StepMetrics> adopt(
      Map<String, INDArray> parameters,
      Map<String, INDArray> optimizerState,
      List<TakenStep> steps,
      long images,
      long startNanos) {
    Map<String, INDArray> live = model.parameters();
    if (!live.keySet().equals(parameters.keySet())) {
      throw new IllegalArgumentException(
          "parameters " + parameters.keySet() + " are not the model's " + live.keySet());
    }
    INDArray at = optimizerState.get("step");
    if (at == null || at.getLong(0) != step + steps.size()) {
      throw new IllegalArgumentException(
          "optimiser state of step " + at + " after " + step + " + " + steps.size() + " steps");
    }
    optimizer.restore(optimizerState);
    live.forEach((name, p) -> p.assign(parameters.get(name)));
    replicas.broadcast();
    double seconds = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, steps.size());
    return steps.stream()
        .map(s -> record(s.metrics(), s.learningRate(), s.gradNorm(), images / seconds))
        .toList();
  }

  private StepMetrics record(
      Map<String, Double> out, double rate, double norm, double imagesPerSecond) {
    step++;
    StepMetrics m =
        new StepMetrics(
            step,
            rate,
            out.get(PretrainModel.LOSS),
            out.get(PretrainModel.MIM_LOSS),
            config.clsHead() ? out.get(PretrainModel.CLS_LOSS) : Double.NaN,
            out.get(PretrainModel.MIM_ACC),
            config.clsHead() ? out.get(PretrainModel.CLS_ACC) : Double.NaN,
            norm,
            imagesPerSecond);
    history.add(m);
    return m;
  }

  /**
   * Trains until {@code untilStep} steps are done (at most {@code totalSteps}). The iterator is
   * reset and the batches of the steps already done are skipped, so a resumed run sees the batches
   * an uninterrupted one would (for an iterator that repeats its order after reset); at its end it
   * is reset and continues (a new epoch). Writes a checkpoint every {@code checkpointEvery} steps
   * and, when {@code totalSteps} is reached, the final checkpoint and the backbone export.
   *
   * @throws CancellationException when the calling thread is interrupted; it is checked between
   *     steps, so the files written so far stay whole
   */
  public List<StepMetrics> train(MultiDataSetIterator data, long untilStep) {
    return PretrainLoop.run(this, data, untilStep);
  }

  /** Writes a checkpoint of the current state to {@code dir} (atomically). */
  public Path checkpoint(Path dir) {
    return PretrainCheckpoint.write(dir, model, optimizer, step, tokenizer.id(), data);
  }

  /**
   * Writes the backbone alone, loadable with {@link VisionTransformer#load}, as {@code
   * dir/backbone.sd} with {@code provenance.properties} (atomically). No mask token, MIM head or
   * [CLS]-branch variable is in it.
   */
  public Path exportBackbone(Path dir) {
    VisionTransformer vt = model.exportBackbone();
    return AtomicFiles.write(
        dir,
        tmp -> {
          Files.createDirectories(tmp);
          vt.save(tmp.resolve(BACKBONE_FILE));
          Provenance.of(
                  "backbone",
                  config,
                  data,
                  config.seed(),
                  step,
                  inputProvenance(vt.inputContract()))
              .save(tmp);
        });
  }

  private Map<String, String> inputProvenance(InputContract input) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("tokenizer", tokenizer.id());
    extra.put("vit", config.vit().toString());
    extra.putAll(input.toProperties()); // the backbone takes what the ViT view fed it: raw pixels
    return extra;
  }

  /** File name of the graph inside an exported backbone directory. */
  public static final String BACKBONE_FILE = "backbone.sd";

  /** Steps done. */
  public long stepsDone() {
    return step;
  }

  /** Every step's metrics of this object's life (not of earlier, resumed-from runs). */
  public List<StepMetrics> history() {
    return List.copyOf(history);
  }

  /** The graph the optimiser updates and checkpoints save (replica 0). */
  public PretrainModel model() {
    return model;
  }

  /** The graph replicas that share each batch; all hold {@link #model}'s parameters. */
  public Replicas<PretrainModel> replicas() {
    return replicas;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  public BlockMasking masking() {
    return masking;
  }

  /** The run directory, or null for a run that writes nothing. */
  Path runDir() {
    return runDir;
  }

  public PretrainConfig config() {
    return config;
  }
}
