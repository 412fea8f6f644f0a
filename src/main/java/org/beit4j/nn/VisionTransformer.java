package org.beit4j.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.InputContract;
import org.beit4j.io.ArtefactException;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Manifest;
import org.beit4j.io.Provenance;
import org.beit4j.io.RecordProperties;
import org.beit4j.samediff.Parameters;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete ViT classifier/feature extractor in one SameDiff graph, built from a {@link VitConfig}
 * and a seed. The graph does not depend on the batch size.
 *
 * <p>Graph names: placeholder {@value #IMAGES} {@code [-1, C, H, W]}; outputs {@value #FEATURES}
 * {@code [B, T, D]} (after the final norm), {@value #POOLED} {@code [B, D]} and, with classes,
 * {@value #LOGITS} {@code [B, K]}; after {@link #configureTraining}: placeholder {@value #LABELS}
 * {@code [-1, K]} (one-hot) and the scalar {@value #LOSS} (mean cross-entropy).
 */
public final class VisionTransformer {

  static {
    Beit4j.init();
  }

  public static final String SCOPE = "vit";
  public static final String IMAGES = "images";
  public static final String FEATURES = "features";
  public static final String POOLED = "pooled";
  public static final String LOGITS = "logits";
  public static final String LABELS = "labels";
  public static final String LOSS = "loss";

  /**
   * Constant holding the config as the UTF-8 bytes of {@link RecordProperties} text ({@link
   * Stored}), so that {@link #load} needs nothing but the file.
   */
  static final String CONFIG = "vit/config";

  /** Where files written before commit 4149f58's successors kept the config: 14 doubles. */
  static final String LEGACY_META = "vit/meta";

  /**
   * What {@link #CONFIG} holds: the backbone's shape, the classifier's width (0 = none) and the
   * pooling.
   */
  public record Stored(VitConfig vit, int numClasses, Pool pool) {}

  /** How {@value #POOLED} summarises the tokens. */
  public enum Pool {
    /** The [CLS] token (ViT, BEiT linear probing on [CLS]). */
    CLS,
    /** The mean of the patch tokens (BEiT fine-tuning). */
    MEAN
  }

  private static final Logger log = LoggerFactory.getLogger(VisionTransformer.class);

  private final SameDiff sd;
  private final VitConfig config;
  private final int numClasses;
  private final Pool pool;
  private final InputContract input;

  private VisionTransformer(
      SameDiff sd, VitConfig config, int numClasses, Pool pool, InputContract input) {
    this.sd = sd;
    this.config = config;
    this.numClasses = numClasses;
    this.pool = pool;
    this.input = input;
  }

  private VisionTransformer(SameDiff sd, VitConfig config, int numClasses, Pool pool) {
    this(sd, config, numClasses, pool, InputContract.raw(config.imageSize(), config.channels()));
  }

  /** Feature extractor (no head), [CLS] pooling, float. */
  public static VisionTransformer build(VitConfig config, long seed) {
    return build(config, seed, 0, Pool.CLS, DataType.FLOAT);
  }

  /** Classifier with {@code numClasses} outputs, [CLS] pooling, float. */
  public static VisionTransformer build(VitConfig config, long seed, int numClasses) {
    return build(config, seed, numClasses, Pool.CLS, DataType.FLOAT);
  }

  /**
   * Builds the graph.
   *
   * @param numClasses logits width, or 0 for no head
   * @param dataType FLOAT, or DOUBLE for gradient checks
   */
  public static VisionTransformer build(
      VitConfig config, long seed, int numClasses, Pool pool, DataType dataType) {
    if (numClasses < 0) {
      throw new IllegalArgumentException("numClasses must be >= 0 but was " + numClasses);
    }
    if (config.dropPath() > 0) {
      log.warn("dropPath {} is stored but not implemented; the graph uses 0", config.dropPath());
    }
    SameDiff sd = SameDiff.create();
    Init init = new Init(seed, dataType);
    SDVariable images = imagesPlaceholder(sd, config, dataType); // [B, C, H, W]
    SDVariable features = Vit.features(sd, SCOPE, init, config, images); // [B, T, D]
    sd.identity(FEATURES, features);
    SDVariable pooled =
        pool == Pool.CLS
            ? Vit.poolCls(sd, config, features)
            : Vit.poolMean(sd, config, features); // [B, D]
    sd.identity(POOLED, pooled);
    if (numClasses > 0) {
      sd.identity(LOGITS, Vit.head(sd, SCOPE, init, config, pooled, numClasses)); // [B, K]
    }
    byte[] text =
        RecordProperties.text(new Stored(config, numClasses, pool))
            .getBytes(StandardCharsets.UTF_8);
    sd.constant(CONFIG, Nd4j.createFromArray(text));
    return new VisionTransformer(sd, config, numClasses, pool);
  }

  /** The {@value #IMAGES} placeholder {@code [-1, C, H, W]} of {@code config}'s images. */
  public static SDVariable imagesPlaceholder(SameDiff sd, VitConfig config, DataType dataType) {
    return sd.placeHolder(
        IMAGES, dataType, -1, config.channels(), config.imageSize(), config.imageSize());
  }

  // ---- running -----------------------------------------------------------------------------

  /** Token features {@code [B, T, D]} of images {@code [B, C, H, W]}. */
  public INDArray features(INDArray images) {
    return output(images, FEATURES).get(FEATURES);
  }

  /** Pooled features {@code [B, D]}. */
  public INDArray pooled(INDArray images) {
    return output(images, POOLED).get(POOLED);
  }

  /**
   * Features pooled by {@code how}, whatever pooling the graph was built with: the graph's own
   * {@value #POOLED} when {@code how == pool()}, else {@link #pool(INDArray, Pool)} of the tokens.
   *
   * @return {@code [B, D]}
   */
  public INDArray pooled(INDArray images, Pool how) {
    return how == pool ? pooled(images) : pool(features(images), how);
  }

  /**
   * Pools token features outside the graph, as {@link Vit#poolCls} / {@link Vit#poolMean} do in it.
   *
   * @param tokens {@code [B, T, D]} with [CLS] first
   * @return {@code [B, D]}: token 0 (CLS) or the mean of tokens 1..T-1 (MEAN)
   */
  public static INDArray pool(INDArray tokens, Pool how) {
    if (tokens.rank() != 3 || tokens.size(1) < 2) {
      throw new IllegalArgumentException(
          "tokens must be [B, T, D] with [CLS] and >= 1 patch, got "
              + Arrays.toString(tokens.shape()));
    }
    long t = tokens.size(1);
    return how == Pool.CLS
        ? tokens.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).dup() // [B, D]
        : tokens
            .get(NDArrayIndex.all(), NDArrayIndex.interval(1, t), NDArrayIndex.all())
            .mean(1); // [B, D]
  }

  /**
   * A classifier of the same shape holding copies of this model's encoder parameters and a new head
   * of {@code numClasses} outputs on {@code how}-pooled features, initialised from {@code seed}
   * (fine-tuning a pretrained backbone). This model is left unchanged.
   */
  public VisionTransformer withHead(int numClasses, Pool how, long seed) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1 but was " + numClasses);
    }
    DataType type = sd.getVariable(IMAGES).dataType();
    VisionTransformer out = build(config, seed, numClasses, how, type);
    Parameters.copy(sd, out.sd, name -> !name.startsWith(SCOPE + "/head/"), "encoder parameter");
    return out.withInputContract(input);
  }

  /** Class scores {@code [B, K]} (requires a head). */
  public INDArray logits(INDArray images) {
    requireHead();
    return output(images, LOGITS).get(LOGITS);
  }

  /** Any named outputs for one batch of images, after checking the image shape. */
  public Map<String, INDArray> output(INDArray images, String... outputs) {
    checkImages(images);
    return sd.output(Map.of(IMAGES, images), outputs);
  }

  /**
   * Checks {@code images} is {@code [B, C, H, W]} for this config.
   *
   * @throws IllegalArgumentException e.g. "VisionTransformer expects images [B, C, H, W] = [B, 1,
   *     28, 28] but got [4, 3, 28, 28]", or for values outside [0, 1] when {@link #inputContract}
   *     is raw pixels, or NaN/Inf
   */
  public void checkImages(INDArray images) {
    input.check(images, "VisionTransformer");
  }

  // ---- training ----------------------------------------------------------------------------

  /**
   * Adds the loss {@code L = -(1/B) sum_b sum_k y_bk log softmax(z_b)_k} and an Adam training
   * configuration (images -> {@value #IMAGES}, one-hot labels -> {@value #LABELS}). Idempotent for
   * the loss; the updater is replaced.
   */
  public VisionTransformer configureTraining(double learningRate) {
    requireHead();
    if (!sd.hasVariable(LOSS)) {
      SDVariable labels = sd.placeHolder(LABELS, sd.getVariable(LOGITS).dataType(), -1, numClasses);
      SDVariable logProb = sd.nn().logSoftmax(sd.getVariable(LOGITS)); // [B, K]
      SDVariable perExample = sd.sum(labels.mul(logProb), 1); // [B]
      sd.mean(perExample).neg(LOSS); // []
    }
    sd.setLossVariables(LOSS);
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(learningRate))
            .dataSetFeatureMapping(IMAGES)
            .dataSetLabelMapping(LABELS)
            .build());
    return this;
  }

  /** One optimiser step on a batch of (images, one-hot labels). */
  public void fit(MultiDataSet batch) {
    if (sd.getTrainingConfig() == null) {
      throw new IllegalStateException("call configureTraining(learningRate) before fit");
    }
    checkImages(batch.getFeatures(0));
    sd.fit(batch);
  }

  /** The mean cross-entropy of a batch (requires {@link #configureTraining}). */
  public double loss(INDArray images, INDArray oneHotLabels) {
    checkImages(images);
    if (!sd.hasVariable(LOSS)) {
      throw new IllegalStateException("call configureTraining(learningRate) before loss");
    }
    return sd.output(Map.of(IMAGES, images, LABELS, oneHotLabels), LOSS).get(LOSS).getDouble(0);
  }

  // ---- persistence -------------------------------------------------------------------------

  /** The artefact kind of a saved VisionTransformer (its manifest and error messages). */
  public static final String KIND = "backbone";

  /** Format version of the saved file (SameDiff FlatBuffers with the config constant). */
  public static final int FORMAT_VERSION = 1;

  /**
   * Saves graph, parameters, config and (if any) updater state to one file, atomically, followed by
   * its manifest {@code <file>.manifest.properties} (size and SHA-256).
   */
  public void save(Path path) {
    AtomicFiles.write(
        path,
        tmp -> {
          Manifest.deleteSidecar(path);
          sd.save(tmp.toFile(), true);
        });
    Manifest.writeFile(path, KIND, FORMAT_VERSION);
  }

  /**
   * Loads a model written by {@link #save}, with its updater state: the {@code .sd} file or the
   * directory holding {@code backbone.sd}; its manifest is checked first.
   *
   * @throws ArtefactException naming the file and what is wrong (missing, truncated, corrupted,
   *     another kind of artefact)
   */
  public static VisionTransformer load(Path path) {
    VisionTransformer vt =
        Manifest.load(path, KIND, FORMAT_VERSION, false, "backbone.sd", VisionTransformer::read);
    Path file = Files.isDirectory(path) ? path.resolve("backbone.sd") : path;
    Path dir = file.toAbsolutePath().getParent();
    if (Files.isRegularFile(dir.resolve(Provenance.FILE_NAME))) {
      Provenance p = Provenance.load(dir);
      if ("backbone".equals(p.kind())) {
        return vt.withInputContract(InputContract.fromProperties(p.extra(), vt.input));
      }
    }
    return vt;
  }

  private static VisionTransformer read(Path path) throws IOException {
    SameDiff sd = SameDiff.load(path.toFile(), true);
    Stored c = StoredConfig.read(sd, path);
    return new VisionTransformer(sd, c.vit(), c.numClasses(), c.pool());
  }

  // ---- accessors ---------------------------------------------------------------------------

  private void requireHead() {
    if (numClasses == 0) {
      throw new IllegalStateException("this model has no classification head (numClasses 0)");
    }
  }

  /** The underlying graph (for listeners, extra outputs, custom training). */
  public SameDiff sameDiff() {
    return sd;
  }

  public VitConfig config() {
    return config;
  }

  /**
   * What images this model takes: {@code [B, C, S, S]} raw pixels in [0, 1] unless it was trained
   * on normalised pixels (recorded in its provenance); {@code inputContract().prepare(images)}
   * prepares any images for it.
   */
  public InputContract inputContract() {
    return input;
  }

  /**
   * This model (the same graph and parameters) taking input under {@code contract}, e.g. pixels
   * normalised as it was fine-tuned with.
   *
   * @throws IllegalArgumentException if the contract's size or channels differ from the config
   */
  public VisionTransformer withInputContract(InputContract contract) {
    if (contract.imageSize() != config.imageSize() || contract.channels() != config.channels()) {
      throw new IllegalArgumentException(
          "input contract "
              + contract
              + " does not fit the model's imageSize "
              + config.imageSize()
              + ", channels "
              + config.channels());
    }
    return new VisionTransformer(sd, config, numClasses, pool, contract);
  }

  public int numClasses() {
    return numClasses;
  }

  public Pool pool() {
    return pool;
  }

  /** Number of trainable values. */
  public long parameterCount() {
    long n = 0;
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
        n += v.getArr().length();
      }
    }
    return n;
  }
}
