package org.beit4j.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Block;
import org.beit4j.nn.Embeddings;
import org.beit4j.nn.Init;
import org.beit4j.nn.RelativePositionBias;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.Vit;
import org.beit4j.samediff.GradientCapture;
import org.beit4j.samediff.Parameters;
import org.beit4j.train.Replicas;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The BEiT v2 pretraining graph: backbone with mask token (eq. 3), MIM head (eq. 4, 5) and, if
 * configured, the [CLS] branch sharing the final norm and the MIM head; {@code loss = wMim * L_MIM
 * + wCls * L_CLS} with the weights 1, 1 (see {@link #setLossWeights}).
 *
 * <p>Placeholders: {@value #IMAGES} {@code [-1, C, H, W]} (the ViT view), {@value #MASK} {@code
 * [-1, N]} float 0/1, {@value #CODES} {@code [-1, N]} INT tokenizer codes. Outputs: {@value #LOSS},
 * {@value #MIM_LOSS}, {@value #MIM_ACC} and with the [CLS] branch {@value #CLS_LOSS}, {@value
 * #CLS_ACC}. Backbone parameters live under {@code vit/} with the names {@link VisionTransformer}
 * uses, the mask token under {@code mim/mask/}, the head under {@code mim/head/}, the branch under
 * {@code clshead/}.
 */
public final class PretrainModel {

  static {
    Beit4j.init();
  }

  public static final String VIT = VisionTransformer.SCOPE;
  public static final String MASK_SCOPE = "mim/mask";
  public static final String HEAD_SCOPE = "mim/head";
  public static final String CLS_SCOPE = "clshead";
  public static final String IMAGES = "images";
  public static final String MASK = "mask";
  public static final String CODES = "codes";
  public static final String LOSS = "loss";
  public static final String MIM_LOSS = "mim/loss";
  public static final String MIM_ACC = "mim/acc";

  /** The MIM head's logits on every patch, {@code [B*N, K]} (needs only images and mask). */
  public static final String MIM_LOGITS = "mim/logits";

  public static final String CLS_LOSS = "clshead/loss";
  public static final String CLS_ACC = "clshead/acc";
  static final String WEIGHT_MIM = "pretrain/weightmim";
  static final String WEIGHT_CLS = "pretrain/weightcls";

  /**
   * {@code 1 * loss}, read by {@link #fitPass}: fit skips the loss op itself unless something needs
   * it, and frees an output nothing consumes before fit's own loss bookkeeping reads it.
   */
  static final String LOSS_READOUT = "pretrain/lossreadout";

  private final PretrainConfig config;
  private final SameDiff sd;
  private final List<String> parameters;
  private GradientCapture capture;

  private PretrainModel(PretrainConfig config, SameDiff sd) {
    this.config = config;
    this.sd = sd;
    this.parameters = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        parameters.add(v.name());
      }
    }
  }

  /** Builds the graph with parameters drawn from {@code config.seed()}. */
  public static PretrainModel build(PretrainConfig config, DataType dataType) {
    VitConfig cfg = config.vit();
    int n = cfg.numPatches();
    int d = cfg.width();
    int k = config.codebookSize();
    SameDiff sd = SameDiff.create();
    Init init = new Init(config.seed(), dataType);
    SDVariable images =
        sd.placeHolder(IMAGES, dataType, -1, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    SDVariable mask = sd.placeHolder(MASK, dataType, -1, n);
    SDVariable codes = sd.placeHolder(CODES, DataType.INT, -1, n);
    SDVariable weightMim = sd.constant(WEIGHT_MIM, Nd4j.scalar(dataType, 1.0)); // []
    SDVariable weightCls = sd.constant(WEIGHT_CLS, Nd4j.scalar(dataType, 1.0)); // []

    SDVariable patches = Vit.patchEmbed(sd, VIT, init, cfg, images); // [B, N, D]
    SDVariable masked = Mim.maskBlend(sd, MASK_SCOPE, init, patches, mask, n, d); // [B, N, D]
    SDVariable x = Embeddings.prependCls(sd, VIT + "/embed", init, cfg, masked); // [B, T, D]
    SDVariable bias =
        cfg.relPosBias() ? RelativePositionBias.bias(sd, VIT + "/relpos", init, cfg) : null;
    List<SDVariable> layers = Block.stack(sd, VIT, init, cfg, x, bias); // L x [B*T, D]
    SDVariable last = Block.tokens(sd, cfg, layers.get(cfg.depth() - 1)); // [B, T, D]
    SDVariable out = Vit.norm(sd, VIT, init, cfg, last); // [B, T, D]

    // eq. (4), (5) on the masked rows only; the logits of all rows are computed on request only
    SDVariable index = Mim.maskedIndex(sd, "mim/index", mask); // [B*N]
    SDVariable flatCodes = sd.reshape("mim/codes/flat", codes, -1); // [B*N]
    SDVariable maskedCodes = Mim.maskedRows(sd, "mim/codes", flatCodes, index); // [M]
    SDVariable patchOut = Vit.patchTokens(sd, cfg, out).rename("mim/patches"); // [B, N, D]
    SDVariable tokens = sd.reshape("mim/tokens", patchOut, -1, d); // [B*N, D]
    SDVariable all = Mim.headLogits(sd, HEAD_SCOPE, HEAD_SCOPE + "/all", init, tokens, d, k);
    sd.identity(MIM_LOGITS, all); // [B*N, K]
    SDVariable rows = Mim.maskedRows(sd, "mim/rows", tokens, index); // [M, D]
    SDVariable logits =
        Mim.headLogits(sd, HEAD_SCOPE, HEAD_SCOPE + "/out", init, rows, d, k); // [M, K]
    // the reported scalars are their ops' own named outputs, not identity copies: M2.1's training
    // session hands listeners no array for an identity op, so fitPass could not read them
    SDVariable mimLoss = Mim.maskedCrossEntropy(sd, MIM_LOSS, logits, maskedCodes, k); // []
    Mim.maskedAccuracy(sd, MIM_ACC, logits, maskedCodes);
    SDVariable loss = mimLoss.mul("pretrain/weighted/mim", weightMim); // []
    if (config.clsHead()) {
      SDVariable early = Block.tokens(sd, cfg, layers.get(config.clsHeadLayer() - 1)); // [B, T, D]
      SDVariable s = ClsHead.sequence(sd, CLS_SCOPE, cfg, last, early); // [B, T, D]
      s =
          ClsHead.blocks(
              sd,
              CLS_SCOPE,
              init,
              cfg,
              s,
              bias,
              config.clsHeadLayer(),
              config.clsHeadDepth()); // [B, T, D]
      s = ClsHead.sharedNorm(sd, VIT, CLS_SCOPE + "/norm", s); // [B, T, D]
      SDVariable clsOut = Vit.patchTokens(sd, cfg, s).rename(CLS_SCOPE + "/patches");
      SDVariable clsTokens = sd.reshape(CLS_SCOPE + "/tokens", clsOut, -1, d); // [B*N, D]
      SDVariable clsRows = Mim.maskedRows(sd, CLS_SCOPE + "/rows", clsTokens, index); // [M, D]
      SDVariable clsLogits =
          Mim.headLogits(sd, HEAD_SCOPE, CLS_SCOPE + "/logits", init, clsRows, d, k); // [M, K]
      SDVariable clsLoss = Mim.maskedCrossEntropy(sd, CLS_LOSS, clsLogits, maskedCodes, k); // []
      Mim.maskedAccuracy(sd, CLS_ACC, clsLogits, maskedCodes);
      SDVariable weighted = clsLoss.mul("pretrain/weighted/cls", weightCls); // []
      loss = loss.add("pretrain/sum", weighted);
    }
    loss.rename(LOSS);
    sd.setLossVariables(LOSS);
    loss.mul(LOSS_READOUT, 1.0); // []
    return new PretrainModel(config, sd);
  }

  /** One batch's placeholder values. */
  public record Batch(INDArray images, INDArray mask, INDArray codes) {
    Map<String, INDArray> placeholders() {
      return Map.of(IMAGES, images, MASK, mask, CODES, codes);
    }
  }

  /** Names of the reported scalar outputs of this graph. */
  public List<String> metricNames() {
    return config.clsHead()
        ? List.of(LOSS, MIM_LOSS, CLS_LOSS, MIM_ACC, CLS_ACC)
        : List.of(LOSS, MIM_LOSS, MIM_ACC);
  }

  /** Forward and backward pass: the gradients of {@value #LOSS} and the scalar metrics. */
  public OutAndGrad gradients(Batch batch) {
    return sd.calculateGradientsAndOutputs(batch.placeholders(), metricNames(), parameters);
  }

  /** What one {@link #fitPass} measured: the gradients and the scalar metrics by name. */
  public record Pass(Map<String, INDArray> gradients, Map<String, Double> metrics) {}

  /**
   * The gradients of {@value #LOSS} by one {@code SameDiff.fit} pass whose own update is cancelled
   * ({@link GradientCapture}), and the metrics ({@link #metricNames}) of the same forward pass: the
   * same numbers as {@link #gradients}, 3-4x faster in M2.1, and the same metrics as {@link
   * #evaluate} without a second forward pass. The parameters are left unchanged.
   */
  public Pass fitPass(Batch batch) {
    if (capture == null) {
      Map<String, String> readouts = new LinkedHashMap<>();
      for (String name : metricNames()) {
        readouts.put(name.equals(LOSS) ? LOSS_READOUT : name, name);
      }
      capture = new GradientCapture(readouts);
      TrainingConfig.Builder tc =
          TrainingConfig.builder()
              .updater(new NoOp())
              .dataSetFeatureMapping(IMAGES, CODES)
              // the mask travels as fit's "label" array: fit hands label 0 to the (no-op) metric
              // evaluations and refuses a label array that no placeholder takes
              .dataSetLabelMapping(MASK);
      for (String variable : readouts.keySet()) {
        tc.trainEvaluation(variable, 0, GradientCapture.forceOutput());
      }
      sd.setTrainingConfig(tc.build());
      sd.addListeners(capture);
    }
    sd.fit(
        new org.nd4j.linalg.dataset.MultiDataSet(
            new INDArray[] {batch.images(), batch.codes()}, new INDArray[] {batch.mask()}));
    Map<String, INDArray> g = capture.takeGradients();
    if (g.size() != parameters.size()) {
      throw new IllegalStateException(
          "fit produced " + g.size() + " gradients for " + parameters.size() + " parameters");
    }
    Map<String, Double> raw = capture.takeMetrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String name : metricNames()) {
      Double v = raw.get(name);
      if (v == null) {
        throw new IllegalStateException("fit did not compute the metric " + name);
      }
      metrics.put(name, v);
    }
    return new Pass(g, metrics);
  }

  /** The gradients alone of {@link #fitPass}. */
  public Map<String, INDArray> fitGradients(Batch batch) {
    return fitPass(batch).gradients();
  }

  /** Forward pass only: the scalar metrics by name. */
  public Map<String, Double> evaluate(Batch batch) {
    Map<String, INDArray> out = sd.output(batch.placeholders(), metricNames());
    Map<String, Double> values = new LinkedHashMap<>();
    for (String name : metricNames()) {
      values.put(name, out.get(name).getDouble(0));
    }
    return values;
  }

  /**
   * Scales the two losses ({@code 1, 1} by default). Setting one to 0 trains (and differentiates)
   * the other alone, e.g. to check that both reach the shared head.
   */
  public void setLossWeights(double mim, double cls) {
    sd.getVariable(WEIGHT_MIM).getArr().assign(mim);
    sd.getVariable(WEIGHT_CLS).getArr().assign(cls);
  }

  /** Names of all trainable parameters, in graph order. */
  public List<String> parameterNames() {
    return List.copyOf(parameters);
  }

  /** Names of the backbone's parameters (those a {@link VisionTransformer} without head has). */
  public List<String> backboneParameterNames() {
    return parameters.stream().filter(p -> p.startsWith(VIT + "/")).toList();
  }

  /** Every parameter's live array by name, in graph order. */
  public Map<String, INDArray> parameters() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : parameters) {
      out.put(name, parameter(name));
    }
    return out;
  }

  /**
   * {@link #fitPass} as a replica's share of a batch ({@link Replicas}): weighted by the masked
   * positions it holds, the normaliser of every loss and accuracy of this graph.
   */
  public Replicas.Pass replicaPass(Batch batch) {
    Pass p = fitPass(batch);
    return new Replicas.Pass(p.gradients(), p.metrics(), batch.mask().sumNumber().doubleValue());
  }

  /**
   * Splits a batch row-wise into at most {@code k} shards, one per replica ({@link
   * Replicas#ranges}).
   */
  public static List<Batch> split(Batch batch, int k) {
    return Replicas.split(
        (int) batch.images().size(0),
        k,
        r ->
            new Batch(
                Replicas.rows(batch.images(), r),
                Replicas.rows(batch.mask(), r),
                Replicas.rows(batch.codes(), r)));
  }

  /** The live array of a parameter. */
  public INDArray parameter(String name) {
    return sd.getVariable(name).getArr();
  }

  /**
   * The backbone alone as a {@link VisionTransformer} feature extractor (no MIM head, no mask
   * token, no [CLS] branch), with copies of the trained parameters.
   */
  public VisionTransformer exportBackbone() {
    VisionTransformer vt =
        VisionTransformer.build(
            config.vit(), config.seed(), 0, VisionTransformer.Pool.CLS, dataType());
    Parameters.copy(sd, vt.sameDiff(), name -> true, "backbone parameter");
    return vt;
  }

  public DataType dataType() {
    return sd.getVariable(IMAGES).dataType();
  }

  public PretrainConfig config() {
    return config;
  }

  /** The underlying graph. */
  public SameDiff sameDiff() {
    return sd;
  }
}
