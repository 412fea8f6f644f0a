package org.beit4j.tokenizer;

import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.nn.Block;
import org.beit4j.nn.Init;
import org.beit4j.nn.Layers;
import org.beit4j.nn.Vit;
import org.beit4j.quantizer.QuantizerConfig;
import org.beit4j.quantizer.VectorQuantizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The VQ-KD tokenizer as a SameDiff graph (seed article section 1.2, Fig. 2 of BEiT v2): encoder
 * ViT, eq. (1) quantizer with straight-through, decoder ViT, eq. (2) loss.
 *
 * <p>Letters: {@code B} images, {@code N} patches per image, {@code M = B*N} tokens, {@code D}
 * encoder width, {@code d} code width, {@code K} codes, {@code Dd} decoder width, {@code Dt}
 * teacher width. Names: placeholders {@value #IMAGES} {@code [B, C, H, W]} (pixels in [0, 1],
 * standardised inside the graph with {@link VqKdConfig#pixelStats()}) and {@value #TEACHER} {@code
 * [B, N, Dt]}; parameters under {@code vqkd/encoder}, {@code vqkd/decoder}; the codebook {@value
 * #CODEBOOK}.
 */
public final class VqKdGraph {

  public static final String IMAGES = "images";
  public static final String TEACHER = "teacher";
  public static final String CODES = "codes";
  public static final String CODEBOOK = "vqkd/quantizer/codebook";
  public static final String H = "vqkd/h";
  public static final String QUANTIZER_INPUT = "vqkd/quantizer/input";
  public static final String INDICES = "vqkd/indices";
  public static final String OUTPUT = "vqkd/o";
  public static final String DISTILL = "vqkd/loss/distill";
  public static final String COMMIT = "vqkd/loss/commit";
  public static final String CODEBOOK_LOSS = "vqkd/loss/codebook";
  public static final String TOTAL = "vqkd/loss/total";

  static {
    Beit4j.init();
  }

  private VqKdGraph() {}

  /**
   * The training graph. The codebook starts as {@code codebook} (a CONSTANT, or a VARIABLE in
   * {@link VqKdConfig.CodebookMode#COSINE_GRADIENT} mode); the loss variable is {@value #TOTAL}.
   *
   * @param codebook {@code [K, d]} initial codes
   */
  public static SameDiff build(VqKdConfig cfg, INDArray codebook) {
    SameDiff sd = SameDiff.create();
    Init init = new Init(cfg.seed(), DataType.FLOAT);
    VitConfig enc = cfg.encoder();
    SDVariable images =
        sd.placeHolder(
            IMAGES, DataType.FLOAT, -1, enc.channels(), enc.imageSize(), enc.imageSize());
    SDVariable teacher =
        sd.placeHolder(TEACHER, DataType.FLOAT, -1, cfg.numPatches(), cfg.teacherDim());
    SDVariable h = encoder(sd, "vqkd/encoder", init, cfg, images); // [M, d]
    h = sd.identity(H, h);
    SDVariable zq = quantizer(sd, "vqkd/quantizer", cfg, h, codebook); // [M, d]
    SDVariable o = decoder(sd, "vqkd/decoder", init, cfg, zq); // [M, Dt]
    o = sd.identity(OUTPUT, o);
    SDVariable t = sd.reshape(teacher, -1, cfg.teacherDim()); // [M, Dt]
    SDVariable distill = VectorQuantizer.distillationLoss(sd, "vqkd/loss/cos", o, t); // []
    distill = sd.identity(DISTILL, distill);
    SDVariable total = distill.add(TOTAL + "/sum", sd.getVariable(COMMIT));
    if (sd.hasVariable(CODEBOOK_LOSS)) {
      total = total.add(TOTAL + "/sumcb", sd.getVariable(CODEBOOK_LOSS));
    }
    total = sd.identity(TOTAL, total);
    sd.setLossVariables(total);
    return sd;
  }

  /**
   * Encoder: standardise pixels, ViT, patch tokens, then the task layer {@code h = W2 tanh(W1 x +
   * b1) + b2} down to the code width.
   *
   * @param images {@code [B, C, H, W]} in [0, 1]
   * @return {@code h}, {@code [M, d]}
   */
  public static SDVariable encoder(
      SameDiff sd, String scope, Init init, VqKdConfig cfg, SDVariable images) {
    VitConfig enc = cfg.encoder();
    SDVariable x = standardise(sd, scope + "/pixels", cfg.pixelStats(), images); // [B, C, H, W]
    SDVariable feats = Vit.features(sd, scope, init, enc, x); // [B, T, D]
    SDVariable patches = Vit.patchTokens(sd, enc, feats); // [B, N, D]
    SDVariable flat = sd.reshape(patches, -1, enc.width()); // [M, D]
    return taskLayer(sd, scope + "/task", init, flat, enc.width(), cfg.quantizer().codeDim());
  }

  /**
   * Decoder: a 1x1 projection of the codes up to the decoder width, the decoder ViT blocks and
   * final norm, then the task layer to the teacher width.
   *
   * @param zq {@code [M, d]} quantized vectors
   * @return {@code o}, {@code [M, Dt]}
   */
  public static SDVariable decoder(
      SameDiff sd, String scope, Init init, VqKdConfig cfg, SDVariable zq) {
    VitConfig dec = cfg.decoder();
    int d = cfg.quantizer().codeDim();
    SDVariable up = Layers.linear(sd, scope + "/up", init, zq, d, dec.width(), true); // [M, Dd]
    SDVariable tokens = sd.reshape(up, -1, dec.numPatches(), dec.width()); // [B, N, Dd]
    List<SDVariable> blocks = Vit.encode(sd, scope, init, dec, tokens);
    SDVariable last = Block.tokens(sd, dec, blocks.get(blocks.size() - 1)); // [B, T, Dd]
    SDVariable x = Vit.norm(sd, scope, init, dec, last); // [B, T, Dd]
    SDVariable patches = Vit.patchTokens(sd, dec, x); // [B, N, Dd]
    SDVariable flat = sd.reshape(patches, -1, dec.width()); // [M, Dd]
    return taskLayer(sd, scope + "/task", init, flat, dec.width(), cfg.teacherDim());
  }

  /**
   * The quantizer of the configured mode: eq. (1) lookup, straight-through, and the commitment loss
   * {@value #COMMIT} (plus {@value #CODEBOOK_LOSS} when the codebook learns by gradient). Publishes
   * {@value #QUANTIZER_INPUT} (the vectors the codes are matched to: {@code l2(h)}, or {@code h} in
   * Euclidean mode) and {@value #INDICES}.
   *
   * @param h {@code [M, d]}
   * @return {@code zq}, {@code [M, d]}
   */
  public static SDVariable quantizer(
      SameDiff sd, String scope, VqKdConfig cfg, SDVariable h, INDArray codebook) {
    QuantizerConfig q = cfg.quantizer();
    switch (cfg.mode()) {
      case COSINE_EMA -> {
        SDVariable cb = sd.constant(CODEBOOK, codebook.castTo(DataType.FLOAT)); // [K, d]
        VectorQuantizer.Quantized out = VectorQuantizer.quantize(sd, scope, h, cb, q);
        return publish(sd, out.hNorm(), out.indices(), out.commitment(), out.zq());
      }
      case COSINE_GRADIENT -> {
        SDVariable cb = sd.var(CODEBOOK, codebook.castTo(DataType.FLOAT)); // [K, d]
        VectorQuantizer.Quantized out = VectorQuantizer.quantize(sd, scope, h, cb, q);
        SDVariable ez = sd.getVariable(scope + "/lookup/ez"); // [M, d], l2(e_z)
        codebookLoss(sd, CODEBOOK_LOSS, out.hNorm(), ez);
        return publish(sd, out.hNorm(), out.indices(), out.commitment(), out.zq());
      }
      case EUCLIDEAN_EMA -> {
        SDVariable cb = sd.constant(CODEBOOK, codebook.castTo(DataType.FLOAT)); // [K, d]
        SDVariable idx = euclideanIndices(sd, scope + "/nearest", h, cb); // [M]
        SDVariable ez = VectorQuantizer.lookup(sd, scope + "/lookup", idx, cb, q.codebookSize());
        SDVariable zq = VectorQuantizer.straightThrough(sd, scope + "/st", h, ez); // [M, d]
        SDVariable commit =
            VectorQuantizer.commitmentLoss(sd, scope + "/commit", h, ez, q.beta()); // []
        return publish(sd, h, idx, commit, zq);
      }
      default -> throw new IllegalArgumentException("unknown mode " + cfg.mode());
    }
  }

  private static SDVariable publish(
      SameDiff sd, SDVariable input, SDVariable indices, SDVariable commit, SDVariable zq) {
    sd.identity(QUANTIZER_INPUT, input);
    sd.identity(INDICES, indices);
    sd.identity(COMMIT, commit);
    return zq;
  }

  /**
   * Nearest code by Euclidean distance (VQ-VAE): {@code argmin_j ||h_i - e_j||^2 = argmax_j (2 h_i
   * . e_j - ||e_j||^2)}.
   *
   * @param h {@code [M, d]}
   * @param codebook {@code [K, d]}
   * @return {@code [M]} LONG
   */
  public static SDVariable euclideanIndices(
      SameDiff sd, String scope, SDVariable h, SDVariable codebook) {
    SDVariable dots = sd.mmul(scope + "/dots", h, codebook, false, true, false); // [M, K]
    SDVariable norms = codebook.mul(codebook).sum(true, 1); // [K, 1]
    SDVariable normsRow = sd.reshape(norms, 1, -1); // [1, K]
    SDVariable score = dots.mul(2.0).sub(scope + "/score", normsRow); // [M, K]
    return sd.argmax(scope + "/indices", score, false, 1); // [M]
  }

  /**
   * Codebook term of eq. (2) for a gradient-learned codebook: {@code mean_{i,k} (sg(l2(h_i))_k -
   * l2(e_{z_i})_k)^2}.
   */
  public static SDVariable codebookLoss(SameDiff sd, String name, SDVariable hNorm, SDVariable ez) {
    SDVariable target = VectorQuantizer.stopGradient(sd, name + "/sg", hNorm); // [M, d]
    SDVariable diff = ez.sub(name + "/diff", target); // [M, d]
    return diff.mul(diff).mean(name); // []
  }

  /**
   * The official task layer {@code Linear -> Tanh -> Linear}: {@code y = W2 tanh(W1 x + b1) + b2}.
   *
   * @param x {@code [M, in]}
   * @return {@code [M, out]}; parameters {@code scope/fc1 [in, in]}, {@code scope/fc2 [in, out]}
   */
  public static SDVariable taskLayer(
      SameDiff sd, String scope, Init init, SDVariable x, int in, int out) {
    SDVariable a = Layers.linear(sd, scope + "/fc1", init, x, in, in, true); // [M, in]
    SDVariable t = sd.math().tanh(a); // [M, in]
    return Layers.linear(sd, scope + "/fc2", init, t, in, out, true); // [M, out]
  }

  /** {@code (x - mean[c]) / std[c]} per channel, {@code [B, C, H, W]}. */
  public static SDVariable standardise(
      SameDiff sd, String scope, ChannelStats stats, SDVariable images) {
    int c = stats.channels();
    INDArray mean = Nd4j.createFromArray(stats.mean()).reshape(1, c, 1, 1);
    INDArray std = Nd4j.createFromArray(stats.std()).reshape(1, c, 1, 1);
    SDVariable m = sd.constant(scope + "/mean", mean); // [1, C, 1, 1]
    SDVariable s = sd.constant(scope + "/std", std); // [1, C, 1, 1]
    return images.sub(m).div(s); // [B, C, H, W]
  }

  /**
   * The decoder alone, fed with code indices (for {@link VqKdTokenizer#decode}): placeholder
   * {@value #CODES} {@code [B, N]} INT, the codebook {@value #CODEBOOK} as a constant, the decoder
   * parameters under the same names as in {@link #build} (copy their values in before use).
   *
   * @return the graph; its output is {@value #OUTPUT} {@code [M, Dt]}
   */
  public static SameDiff buildDecoder(VqKdConfig cfg, INDArray codebook) {
    SameDiff sd = SameDiff.create();
    Init init = new Init(cfg.seed(), DataType.FLOAT);
    QuantizerConfig q = cfg.quantizer();
    SDVariable codes = sd.placeHolder(CODES, DataType.INT, -1, cfg.numPatches());
    SDVariable flat = sd.reshape(codes, -1); // [M]
    SDVariable cb = sd.constant(CODEBOOK, codebook.castTo(DataType.FLOAT)); // [K, d]
    if (cfg.mode() != VqKdConfig.CodebookMode.EUCLIDEAN_EMA) {
      cb = VectorQuantizer.l2Normalize(sd, "vqkd/quantizer/cbnorm", cb, VectorQuantizer.L2_EPS);
    }
    SDVariable ez =
        VectorQuantizer.lookup(sd, "vqkd/quantizer/lookup", flat, cb, q.codebookSize()); // [M, d]
    sd.identity(OUTPUT, decoder(sd, "vqkd/decoder", init, cfg, ez));
    return sd;
  }
}
