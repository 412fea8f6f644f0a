package org.beit4j.dl4j;

import java.util.Arrays;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Init;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.Vit;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The beit4j ViT/BEiT backbone as a DL4J layer, for {@code MultiLayerNetwork} and {@code
 * ComputationGraph}: it trains with DL4J's {@code fit}, its updater and listeners, and saves with
 * {@code ModelSerializer}.
 *
 * <p>Input: images {@code [B, C, H, W]}, i.e. {@code InputType.convolutional(H, W, C)} (NCHW).
 * Output ({@link Output}): the pooled [CLS] token {@code [B, D]}, the mean patch token {@code [B,
 * D]}, or all normalised tokens flattened to {@code [B, T*D]}. The forward pass is {@link
 * Vit#features} itself, so it equals {@link VisionTransformer#pooled}/{@link
 * VisionTransformer#features} for the same weights.
 *
 * <p>Parameters are the backbone's, under DL4J keys from {@link BackboneParams#key} (e.g. {@code
 * block0.attn.qkv.w}). A new layer is initialised exactly like {@code VisionTransformer.build(cfg,
 * seed)}; pretrained weights are copied in with {@link BackboneParams#copy}.
 */
public class BeitBackboneLayer extends SameDiffLayer {

  static {
    Beit4j.init();
  }

  /** What the layer outputs. */
  public enum Output {
    /** [CLS] token after the final norm, {@code [B, D]}. */
    CLS,
    /** Mean of the normalised patch tokens, {@code [B, D]}. */
    MEAN,
    /** All normalised tokens, [CLS] first, flattened row-major to {@code [B, T*D]}. */
    TOKENS
  }

  // VitConfig as plain fields: DL4J serialises layer configurations with (its shaded) Jackson.
  @JsonProperty private int imageSize;
  @JsonProperty private int patchSize;
  @JsonProperty private int channels;
  @JsonProperty private int width;
  @JsonProperty private int depth;
  @JsonProperty private int heads;
  @JsonProperty private double mlpRatio;
  @JsonProperty private boolean qkvBias;
  @JsonProperty private double layerScaleInit;
  @JsonProperty private boolean absPosEmbed;
  @JsonProperty private boolean relPosBias;
  @JsonProperty private double dropPath;
  @JsonProperty private Output output;
  @JsonProperty private long seed;

  /** For Jackson (DL4J's JSON configuration) only. */
  protected BeitBackboneLayer() {}

  /**
   * A backbone for {@code config} producing {@code output}, initialised as {@code
   * VisionTransformer.build(config, seed)}.
   */
  public BeitBackboneLayer(VitConfig config, Output output, long seed) {
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    this.imageSize = config.imageSize();
    this.patchSize = config.patchSize();
    this.channels = config.channels();
    this.width = config.width();
    this.depth = config.depth();
    this.heads = config.heads();
    this.mlpRatio = config.mlpRatio();
    this.qkvBias = config.qkvBias();
    this.layerScaleInit = config.layerScaleInit();
    this.absPosEmbed = config.absPosEmbed();
    this.relPosBias = config.relPosBias();
    this.dropPath = config.dropPath();
    this.output = output;
    this.seed = seed;
  }

  /** The backbone configuration. */
  public VitConfig vitConfig() {
    return new VitConfig(
        imageSize,
        patchSize,
        channels,
        width,
        depth,
        heads,
        mlpRatio,
        qkvBias,
        layerScaleInit,
        absPosEmbed,
        relPosBias,
        dropPath);
  }

  public Output output() {
    return output;
  }

  public long seed() {
    return seed;
  }

  /** Width of the output: {@code D}, or {@code T*D} for {@link Output#TOKENS}. */
  public long outputSize() {
    VitConfig cfg = vitConfig();
    return output == Output.TOKENS ? (long) cfg.tokens() * cfg.width() : cfg.width();
  }

  @Override
  public void defineParameters(SDLayerParams params) {
    for (Map.Entry<String, long[]> e : BackboneParams.shapes(vitConfig()).entrySet()) {
      if (BackboneParams.isBias(e.getKey())) {
        params.addBiasParam(e.getKey(), e.getValue());
      } else {
        params.addWeightParam(e.getKey(), e.getValue());
      }
    }
  }

  /** Fills the parameters with the values {@code VisionTransformer.build(config, seed)} draws. */
  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    BackboneParams.copy(VisionTransformer.build(vitConfig(), seed), params);
  }

  /**
   * Builds {@link Vit#features} on {@code layerInput} with its own (temporary) variables, then
   * hands each one the DL4J key: DL4J's unused stand-in variable of that key is removed and the
   * backbone's variable takes the key, so DL4J binds its parameter views to, and reads gradients by
   * key from, the variables the graph actually uses.
   *
   * @param layerInput {@code [B, C, H, W]}
   * @return {@code [B, D]} or {@code [B, T*D]}
   */
  @Override
  public SDVariable defineLayer(
      SameDiff sd, SDVariable layerInput, Map<String, SDVariable> paramTable, SDVariable mask) {
    VitConfig cfg = vitConfig();
    checkInputShape(layerInput.getShape(), cfg);
    Init init = new Init(seed, layerInput.dataType());
    SDVariable x = Vit.features(sd, VisionTransformer.SCOPE, init, cfg, layerInput); // [B, T, D]
    for (String key : paramTable.keySet()) {
      // DL4J's stand-in has no consumers; left in, it would count as a second graph output and
      // SameDiff could no longer infer which output carries DL4J's external errors.
      sd.getVariables().remove(key);
      sd.getVariablesArrays().removeArray(key);
      sd.renameVariable(BackboneParams.vitName(key), key);
    }
    SDVariable y =
        switch (output) {
          case CLS -> Vit.poolCls(sd, cfg, x); // [B, D]
          case MEAN -> Vit.poolMean(sd, cfg, x); // [B, D]
          case TOKENS -> sd.reshape(x, -1, (long) cfg.tokens() * cfg.width()); // [B, T*D]
        };
    return halveGradient(sd, y);
  }

  /**
   * DL4J builds this layer's graph on the first input it sees, with that input's shape: the place
   * to refuse flattened {@code [B, C*H*W]} input or another image size with a message naming the
   * layer, rather than a native reshape error later.
   */
  private void checkInputShape(long[] shape, VitConfig cfg) {
    boolean ok =
        shape != null
            && shape.length == 4
            && shape[1] == cfg.channels()
            && shape[2] == cfg.imageSize()
            && shape[3] == cfg.imageSize();
    if (!ok) {
      String flat =
          shape != null && shape.length == 2
              ? " (flattened: give the network InputType.convolutionalFlat("
                  + cfg.imageSize()
                  + ", "
                  + cfg.imageSize()
                  + ", "
                  + cfg.channels()
                  + ") or reshape the images)"
              : "";
      throw new IllegalArgumentException(
          "BeitBackboneLayer '"
              + getLayerName()
              + "' expects images [B, C, H, W] = [B, "
              + cfg.channels()
              + ", "
              + cfg.imageSize()
              + ", "
              + cfg.imageSize()
              + "] but got "
              + (shape == null ? "an input of unknown shape" : Arrays.toString(shape))
              + flat);
    }
  }

  /**
   * {@code y/2 + sg(y)/2}: the same values (halving is exact), half the gradient.
   *
   * <p>DL4J 1.0.0-M2.1's {@code SameDiffLayer} backpropagates twice the external error {@code
   * dL/dy} into every SameDiff layer (seen with a one-matrix layer too: all gradients exactly 2x
   * the finite differences; Adam hides it, plain SGD does not). This cancels it, so DL4J's gradient
   * check passes; {@code SameDiffLayerGradientBugTest} fails when a DL4J upgrade fixes the bug, and
   * then this method must go.
   */
  static SDVariable halveGradient(SameDiff sd, SDVariable y) {
    SDVariable frozen =
        new org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient(sd, y).outputVariable();
    return y.mul(0.5).add(frozen.mul(0.5)); // same shape as y
  }

  /**
   * {@code InputType.convolutional(H, W, C)} in, {@code InputType.feedForward(D or T*D)} out.
   *
   * @throws IllegalArgumentException if the input is not NCHW images of this config's size
   */
  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    VitConfig cfg = vitConfig();
    if (!(inputType instanceof InputType.InputTypeConvolutional c)
        || c.getHeight() != cfg.imageSize()
        || c.getWidth() != cfg.imageSize()
        || c.getChannels() != cfg.channels()) {
      throw new IllegalArgumentException(
          "BeitBackboneLayer (layer "
              + layerIndex
              + ") expects InputType.convolutional("
              + cfg.imageSize()
              + ", "
              + cfg.imageSize()
              + ", "
              + cfg.channels()
              + ") but got "
              + inputType);
    }
    return InputType.feedForward(outputSize());
  }

  /**
   * Flattened rows ({@code InputType.convolutionalFlat(H, W, C)}, e.g. MNIST's {@code [B, 784]})
   * are reshaped to images by DL4J's {@link FeedForwardToCnnPreProcessor}; images need none.
   */
  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    if (inputType instanceof InputType.InputTypeConvolutionalFlat f) {
      return new FeedForwardToCnnPreProcessor(f.getHeight(), f.getWidth(), f.getDepth());
    }
    return null;
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    // Sizes come from the VitConfig; getOutputType validates the input.
  }
}
