package org.beit4j.teacher;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.beit4j.Beit4j;
import org.beit4j.data.ChannelStats;
import org.beit4j.nn.Init;
import org.beit4j.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph of {@link CnnTeacher}: a small CNN whose stride-4 map is the patch grid, with a
 * global-average-pool classifier on top for supervised training.
 *
 * <pre>
 * pixels [B, C, S, S] in [0, 1]
 *   -> standardise, to NHWC             [B, S, S, C]
 *   -> conv3x3 s1, [LN], ReLU   cnn/conv1     [B, S, S, w1]
 *   -> conv3x3 s2, [LN], ReLU   cnn/conv2     [B, S/2, S/2, w2]
 *   -> conv3x3 s2, [LN], ReLU   cnn/conv3     [B, S/4, S/4, w3]
 *   -> gridConvs x (conv3x3 s1, [LN], ReLU)   cnn/grid1, ...   [B, G, G, w3]
 *   -> conv1x1 (linear)         cnn/proj      [B, G, G, Dt]       G = S/4
 *   -> cnn/features                           [B, G*G, Dt]        (row-major patches)
 *   -> mean over patches, [Linear, GELU], Linear   cnn/head  logits [B, K]
 * </pre>
 *
 * <p>{@code [LN]}: the per-position LayerNorm over channels of {@link #channelNorm} when {@code
 * norm}; {@code [Linear, GELU]}: the hidden layer of {@link #mlpHead} when {@code headHidden > 0}.
 *
 * <p>Each patch feature sees a {@code 9 + 8 * gridConvs} pixel square (9x9 without the grid
 * convolutions): average pooling of purely local features caps the accuracy, so the preset mixes
 * neighbouring patches once on the grid (17x17 pixels, most of a 28x28 item).
 *
 * <p>Weights are He-normal ({@code std = sqrt(2 / fan_in)}, truncated at 2 std): without
 * normalisation layers (norm off) the 0.02 of ViTs would shrink the activations layer by layer.
 */
final class CnnTeacherNet {

  /** Image placeholder {@code [B, C, S, S]}. */
  static final String PIXELS = "pixels";

  /** One-hot label placeholder {@code [B, K]}. */
  static final String LABEL = "label";

  /** Patch features {@code [B, N, Dt]}. */
  static final String FEATURES = "cnn/features";

  /** Class scores {@code [B, K]}. */
  static final String LOGITS = "cnn/logits";

  /** Mean cross-entropy, a scalar. */
  static final String LOSS = "cnn/loss";

  /**
   * Version of this graph-building code, recorded with a saved teacher: {@link
   * CnnTeacher#trainOrLoad} retrains a cached teacher built by other code even if its config
   * matches. Change it whenever the graph changes.
   */
  static final String VERSION = "nhwc-im2col-2";

  static {
    Beit4j.init();
  }

  private CnnTeacherNet() {}

  /** Builds the whole graph (placeholders, network, loss) with seeded weights. */
  static SameDiff build(CnnTeacherConfig cfg) {
    SameDiff sd = SameDiff.create();
    Random random = new Random(cfg.seed());
    int c = cfg.channels();
    int s = cfg.imageSize();
    SDVariable pixels = sd.placeHolder(PIXELS, DataType.FLOAT, -1, c, s, s); // [B, C, S, S]
    SDVariable label = sd.placeHolder(LABEL, DataType.FLOAT, -1, cfg.numClasses()); // [B, K]
    SDVariable x = standardise(sd, "cnn/input", pixels, c); // [B, C, S, S]
    x = sd.permute(x, 0, 2, 3, 1); // [B, S, S, C]
    int g = cfg.gridSize();
    boolean n = cfg.norm();
    x = convRelu(sd, "cnn/conv1", random, x, s, c, cfg.width1(), 3, 1, n); // [B, S, S, w1]
    x =
        convRelu(
            sd, "cnn/conv2", random, x, s, cfg.width1(), cfg.width2(), 3, 2, n); // [B, S/2, ., w2]
    x =
        convRelu(
            sd,
            "cnn/conv3",
            random,
            x,
            s / 2,
            cfg.width2(),
            cfg.width3(),
            3,
            2,
            n); // [B, G, G, w3]
    for (int i = 0; i < cfg.gridConvs(); i++) {
      x = convRelu(sd, "cnn/grid" + (i + 1), random, x, g, cfg.width3(), cfg.width3(), 3, 1, n);
    }
    SDVariable map =
        conv(sd, "cnn/proj", random, x, g, cfg.width3(), cfg.featureDim(), 1, 1); // [B, G, G, Dt]
    SDVariable features = patchFeatures(sd, map, cfg.gridSize(), cfg.featureDim());
    SDVariable logits;
    if (cfg.gridHead()) {
      logits =
          gridHead(
              sd, "cnn/head", random, features, cfg.gridSize(), cfg.featureDim(), cfg.numClasses());
    } else if (cfg.headHidden() > 0) {
      logits =
          mlpHead(
              sd,
              "cnn/head",
              random,
              features,
              cfg.featureDim(),
              cfg.headHidden(),
              cfg.numClasses());
    } else {
      logits = head(sd, "cnn/head", random, features, cfg.featureDim(), cfg.numClasses());
    }
    crossEntropy(sd, logits, label);
    sd.setLossVariables(LOSS);
    return sd;
  }

  /**
   * Per-channel standardisation {@code (x - mean) / std} with fixed statistics (Fashion-MNIST's for
   * grey input, ImageNet's for RGB), stored as constants so a saved graph takes raw pixels.
   *
   * @param x {@code [B, C, S, S]}
   * @return same shape
   */
  static SDVariable standardise(SameDiff sd, String scope, SDVariable x, int channels) {
    ChannelStats stats =
        channels == 3 ? ChannelStats.IMAGENET : channels == 1 ? ChannelStats.FASHION_MNIST : null;
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int i = 0; i < channels; i++) {
      mean[i] = stats == null ? 0.5f : stats.mean()[i];
      std[i] = stats == null ? 0.25f : stats.std()[i];
    }
    SDVariable m = sd.constant(scope + "/mean", Nd4j.create(mean, 1, channels, 1, 1)); // [1,C,1,1]
    SDVariable sdev = sd.constant(scope + "/std", Nd4j.create(std, 1, channels, 1, 1));
    return x.sub(m).div(sdev); // [B, C, S, S]
  }

  /**
   * A {@code k x k} convolution with stride {@code stride} and zero padding {@code (k - 1) / 2} on
   * an NHWC map, written as im2col and one matrix product: {@code y[b, i, j] = sum_{dy, dx, c}
   * x_pad[b, s i + dy, s j + dx, c] W[(dy k + dx) C + c] + b}.
   *
   * <p>Why not {@code sd.cnn().conv2d}: in ND4J 1.0.0-M2.1 on CPU its backward pass ({@code
   * conv2d_bp}) took 10-30x the time of the same arithmetic as a matrix product, and dominated the
   * teacher's training step (measured, {@code docs/teachers.md}). The k*k shifted views here are
   * strided slices of the padded map, concatenated along channels; their gradients are cheap.
   *
   * @param x {@code [B, H, H, in]} (square)
   * @param side H
   * @return {@code [B, H / stride, H / stride, out]} (H divisible by stride); parameters {@code
   *     scope/w [k*k*in, out]} (rows ordered dy, dx, c), {@code scope/b [out]}
   */
  static SDVariable conv(
      SameDiff sd,
      String scope,
      Random random,
      SDVariable x,
      int side,
      int in,
      int out,
      int k,
      int stride) {
    int fanIn = k * k * in;
    SDVariable weights =
        sd.var(scope + "/w", weights(random, fanIn, out, Math.sqrt(2.0 / fanIn))); // [k*k*in, out]
    SDVariable bias = sd.var(scope + "/b", Nd4j.zeros(DataType.FLOAT, out)); // [out]
    int outSide = side / stride;
    SDVariable cols = im2col(sd, x, side, k, stride); // [B, H', H', k*k*in]
    SDVariable rows = sd.reshape(cols, -1, (long) k * k * in); // [B*H'*H', k*k*in]
    SDVariable y = sd.mmul(rows, weights).add(bias); // [B*H'*H', out]
    return sd.reshape(scope + "/out", y, -1, outSide, outSide, out); // [B, H', H', out]
  }

  /**
   * The {@code k x k} neighbourhoods of every output position, side by side along channels.
   *
   * @param x {@code [B, H, H, C]}
   * @return {@code [B, H/s, H/s, k*k*C]}, channel block {@code dy*k + dx} holding {@code x_pad[b, s
   *     i + dy, s j + dx, :]}
   */
  static SDVariable im2col(SameDiff sd, SDVariable x, int side, int k, int stride) {
    int pad = (k - 1) / 2;
    int[][] padding = {{0, 0}, {pad, pad}, {pad, pad}, {0, 0}};
    SDVariable padded =
        pad == 0 ? x : sd.nn().pad(x, sd.constant(Nd4j.createFromArray(padding)), 0.0);
    int outSide = side / stride;
    long span = (long) stride * (outSide - 1) + 1;
    int batchAndChannels = 1 | 8; // begin/end masks: whole batch and channel axes
    SDVariable[] views = new SDVariable[k * k];
    for (int dy = 0; dy < k; dy++) {
      for (int dx = 0; dx < k; dx++) {
        views[dy * k + dx] =
            sd.stridedSlice(
                padded,
                new long[] {0, dy, dx, 0},
                new long[] {0, dy + span, dx + span, 0},
                new long[] {1, stride, stride, 1},
                batchAndChannels,
                batchAndChannels,
                0,
                0,
                0); // [B, H', H', C]
      }
    }
    return views.length == 1 ? views[0] : sd.concat(3, views); // [B, H', H', k*k*C]
  }

  /**
   * {@link #conv}, then {@link #channelNorm} when {@code norm}, then ReLU.
   *
   * @return {@code [B, H', H', out]}; with {@code norm} also parameters {@code scope/norm/gain} and
   *     {@code scope/norm/b}
   */
  static SDVariable convRelu(
      SameDiff sd,
      String scope,
      Random random,
      SDVariable x,
      int side,
      int in,
      int out,
      int k,
      int stride,
      boolean norm) {
    SDVariable y = conv(sd, scope, random, x, side, in, out, k, stride); // [B, H', H', out]
    if (norm) {
      y = channelNorm(sd, scope + "/norm", y, out); // [B, H', H', out]
    }
    return sd.nn().relu(y, 0); // [B, H', H', out]
  }

  /**
   * LayerNorm over the channels of every position of an NHWC map (ConvNeXt's "channels-last"
   * LayerNorm): {@code y[b, i, j, :] = g * (x[b, i, j, :] - mu) / sigma + beta} with {@code mu},
   * {@code sigma^2} the mean and (biased) variance of the {@code C} values of that position. It
   * needs no running statistics, so training and inference compute the same function. ND4J M2.1's
   * {@code layer_norm} adds no epsilon (a position whose channels are all equal gives 0).
   *
   * @param x {@code [B, H, W, C]}
   * @return same shape; parameters {@code scope/gain [C]} (ones), {@code scope/b [C]} (zeros), of
   *     {@code x}'s data type
   */
  static SDVariable channelNorm(SameDiff sd, String scope, SDVariable x, int channels) {
    DataType type = x.dataType();
    SDVariable gain = sd.var(scope + "/gain", Nd4j.ones(type, channels)); // [C]
    SDVariable bias = sd.var(scope + "/b", Nd4j.zeros(type, channels)); // [C]
    return sd.nn().layerNorm(x, gain, bias, false, 3); // [B, H, W, C]
  }

  /**
   * The feature map as patch tokens in row-major order.
   *
   * @param map {@code [B, G, G, Dt]} (NHWC)
   * @return {@code [B, G*G, Dt]} named {@value #FEATURES}
   */
  static SDVariable patchFeatures(SameDiff sd, SDVariable map, int grid, int dim) {
    return sd.reshape(FEATURES, map, -1, (long) grid * grid, dim); // [B, N, Dt]
  }

  /**
   * Classifier {@code logits = mean_i(t_i) W + b}: global average pooling of the patch features,
   * then a linear map. The class scores are linear in the mean patch feature, so the features
   * themselves must carry the class.
   *
   * @param features {@code [B, N, Dt]}
   * @return {@code [B, K]} named {@value #LOGITS}; parameters {@code scope/w [Dt, K]}, {@code
   *     scope/b [K]}
   */
  static SDVariable head(
      SameDiff sd, String scope, Random random, SDVariable features, int dim, int classes) {
    SDVariable pooled = features.mean(1); // [B, Dt]
    SDVariable weights =
        sd.var(scope + "/w", weights(random, dim, classes, Math.sqrt(1.0 / dim))); // [Dt, K]
    SDVariable bias = sd.var(scope + "/b", Nd4j.zeros(DataType.FLOAT, classes)); // [K]
    return sd.mmul(pooled, weights).add(LOGITS, bias); // [B, K]
  }

  /**
   * Classifier with one hidden layer on the mean patch feature: {@code logits = GELU(mean_i(t_i) W1
   * + b1) W2 + b2} (exact GELU). The class is still a function of the mean patch feature only, so
   * the patch features themselves must carry it, as with {@link #head}.
   *
   * @param features {@code [B, N, Dt]}
   * @return {@code [B, K]} named {@value #LOGITS}; parameters {@code scope/hidden/w [Dt, H]},
   *     {@code scope/hidden/b [H]}, {@code scope/w [H, K]}, {@code scope/b [K]}
   */
  static SDVariable mlpHead(
      SameDiff sd,
      String scope,
      Random random,
      SDVariable features,
      int dim,
      int hidden,
      int classes) {
    SDVariable pooled = features.mean(1); // [B, Dt]
    SDVariable w1 =
        sd.var(scope + "/hidden/w", weights(random, dim, hidden, Math.sqrt(2.0 / dim))); // [Dt, H]
    SDVariable b1 = sd.var(scope + "/hidden/b", Nd4j.zeros(DataType.FLOAT, hidden)); // [H]
    SDVariable h = Layers.gelu(sd, sd.mmul(pooled, w1).add(b1)); // [B, H]
    SDVariable w2 =
        sd.var(scope + "/w", weights(random, hidden, classes, Math.sqrt(1.0 / hidden))); // [H, K]
    SDVariable b2 = sd.var(scope + "/b", Nd4j.zeros(DataType.FLOAT, classes)); // [K]
    return sd.mmul(h, w2).add(LOGITS, b2); // [B, K]
  }

  /** A {@code [in, out]} float matrix of normal values with {@code std}, truncated at 2 std. */
  private static INDArray weights(Random random, int in, int out, double std) {
    double[] w = Init.truncatedNormal(random, in * out, std);
    return Nd4j.create(w, new long[] {in, out}, DataType.DOUBLE).castTo(DataType.FLOAT);
  }

  /**
   * Classifier {@code logits = sum_i t_i W_i + b} over all patch features side by side: one {@code
   * [Dt, K]} weight block per grid position, so the head can use where a feature is (a mean-pooled
   * head cannot). The patch features still carry the class jointly: a linear probe on them is the
   * head itself.
   *
   * @param features {@code [B, N, Dt]}
   * @return {@code [B, K]} named {@value #LOGITS}; parameters {@code scope/w [N*Dt, K]}, {@code
   *     scope/b [K]}
   */
  static SDVariable gridHead(
      SameDiff sd,
      String scope,
      Random random,
      SDVariable features,
      int grid,
      int dim,
      int classes) {
    int in = grid * grid * dim;
    SDVariable flat = sd.reshape(features, -1, in); // [B, N*Dt]
    SDVariable weights =
        sd.var(scope + "/w", weights(random, in, classes, Math.sqrt(1.0 / in))); // [N*Dt, K]
    SDVariable bias = sd.var(scope + "/b", Nd4j.zeros(DataType.FLOAT, classes)); // [K]
    return sd.mmul(flat, weights).add(LOGITS, bias); // [B, K]
  }

  /**
   * Mean cross-entropy {@code L = -1/B sum_b sum_k y_bk log softmax(z_b)_k}.
   *
   * @param logits {@code [B, K]}
   * @param label one-hot {@code [B, K]}
   * @return scalar named {@value #LOSS}
   */
  static SDVariable crossEntropy(SameDiff sd, SDVariable logits, SDVariable label) {
    SDVariable logProb = sd.nn().logSoftmax(logits); // [B, K]
    SDVariable perImage = label.mul(logProb).sum(1); // [B]
    return sd.math().neg(perImage.mean()).rename(LOSS); // []
  }

  /** All trainable parameters in graph order, for hashing and freezing checks. */
  static INDArray[] parameters(SameDiff sd) {
    return sd.variables().stream()
        .filter(v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
        .map(SDVariable::getArr)
        .toArray(INDArray[]::new);
  }

  /** The first 16 hex digits of the SHA-256 of the parameters: a teacher's identity. */
  static String parameterHash(SameDiff sd) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (INDArray a : parameters(sd)) {
        float[] v = a.castTo(DataType.FLOAT).ravel().toFloatVector();
        ByteBuffer buf = ByteBuffer.allocate(4 * v.length);
        buf.asFloatBuffer().put(v);
        md.update(buf);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
