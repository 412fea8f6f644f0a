package org.beit4j.config;

import java.util.function.Consumer;

/**
 * Shape and options of a Vision Transformer (Dosovitskiy et al. 2021) as BEiT v2 uses it.
 *
 * <p>An image {@code [C, H, W]} with {@code H = W = imageSize} is cut into {@code G x G} patches of
 * {@code P x P} pixels ({@code G = imageSize / patchSize}, {@code N = G^2}); with the [CLS] token
 * the encoder sees {@code T = 1 + N} tokens of width {@code D}.
 *
 * @param imageSize side {@code H = W} of the square input image in pixels
 * @param patchSize side {@code P} of a square patch; must divide {@code imageSize}
 * @param channels image channels {@code C}
 * @param width token width {@code D}
 * @param depth number of transformer blocks {@code L}
 * @param heads attention heads; must divide {@code width}
 * @param mlpRatio hidden width of the MLP over {@code D}
 * @param qkvBias whether the attention has query and value biases (BEiT: no key bias)
 * @param layerScaleInit initial value of the layer-scale vectors; 0 switches layer scale off
 * @param absPosEmbed whether learned absolute position embeddings are added to the tokens
 * @param relPosBias whether one relative position bias, shared by all blocks, is added to the
 *     attention logits (BEiT)
 * @param dropPath stochastic-depth rate in {@code [0, 1)}; stored for provenance, graphs built by
 *     beit4j treat it as 0 (no drop-path yet)
 */
public record VitConfig(
    int imageSize,
    int patchSize,
    int channels,
    int width,
    int depth,
    int heads,
    double mlpRatio,
    boolean qkvBias,
    double layerScaleInit,
    boolean absPosEmbed,
    boolean relPosBias,
    double dropPath) {

  /**
   * The named presets: {@code mnist} (the CLI's default), {@code test}, {@code tiny}, {@code
   * small}, {@code base}.
   */
  public static final Presets<VitConfig> PRESETS =
      Presets.<VitConfig>of("ViT preset")
          .add("mnist", VitConfig::mnist)
          .add("test", VitConfig::test)
          .add("tiny", VitConfig::tiny)
          .add("small", VitConfig::small)
          .add("base", VitConfig::base)
          .build();

  /** Validates every field; messages name the field and the bad value. */
  public VitConfig {
    positive("imageSize", imageSize);
    positive("patchSize", patchSize);
    positive("channels", channels);
    positive("width", width);
    positive("depth", depth);
    positive("heads", heads);
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "patchSize " + patchSize + " does not divide imageSize " + imageSize);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    }
    if (!(mlpRatio > 0) || Double.isInfinite(mlpRatio)) {
      throw new IllegalArgumentException("mlpRatio must be > 0 and finite but was " + mlpRatio);
    }
    if (Math.round(width * mlpRatio) < 1) {
      throw new IllegalArgumentException(
          "mlpRatio " + mlpRatio + " gives an empty MLP for width " + width);
    }
    if (!(layerScaleInit >= 0) || Double.isInfinite(layerScaleInit)) {
      throw new IllegalArgumentException(
          "layerScaleInit must be >= 0 and finite but was " + layerScaleInit);
    }
    if (!(dropPath >= 0 && dropPath < 1)) {
      throw new IllegalArgumentException("dropPath must be in [0, 1) but was " + dropPath);
    }
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
  }

  // ---- presets -------------------------------------------------------------------------------

  private static VitConfig beit(int imageSize, int patchSize, int width, int depth, int heads) {
    return new VitConfig(
        imageSize, patchSize, 3, width, depth, heads, 4.0, true, 0.1, false, true, 0.0);
  }

  /** ViT-Tiny/16 at 224 px (D 192, 12 blocks, 3 heads) with BEiT's shared relative bias. */
  public static VitConfig tiny() {
    return beit(224, 16, 192, 12, 3);
  }

  /** ViT-Small/16 at 224 px (D 384, 12 blocks, 6 heads) with BEiT's shared relative bias. */
  public static VitConfig small() {
    return beit(224, 16, 384, 12, 6);
  }

  /** ViT-Base/16 at 224 px (D 768, 12 blocks, 12 heads), the BEiT v2 base model. */
  public static VitConfig base() {
    return beit(224, 16, 768, 12, 12);
  }

  /** Fashion-MNIST sized: 28 x 28 x 1, patch 4 (7 x 7 grid), D 192, 6 blocks, 3 heads. */
  public static VitConfig mnist() {
    return new VitConfig(28, 4, 1, 192, 6, 3, 4.0, true, 0.1, false, true, 0.0);
  }

  /**
   * For unit tests, 18k parameters (72 kB): 28 x 28 x 1, patch 4, D 32, 2 blocks, 2 heads, MLP 2x.
   */
  public static VitConfig test() {
    return new VitConfig(28, 4, 1, 32, 2, 2, 2.0, true, 0.1, false, true, 0.0);
  }

  // ---- derived sizes ---------------------------------------------------------------------------

  /** Patches per side {@code G = imageSize / patchSize}. */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /** Number of patches {@code N = G^2}. */
  public int numPatches() {
    return gridSize() * gridSize();
  }

  /** Width of one head {@code width / heads}. */
  public int headDim() {
    return width / heads;
  }

  /** Tokens the encoder sees, {@code T = 1 + N} ([CLS] first). */
  public int tokens() {
    return 1 + numPatches();
  }

  /** Hidden width of the MLP, {@code round(width * mlpRatio)}. */
  public int mlpHidden() {
    return (int) Math.round(width * mlpRatio);
  }

  /** Values of one flattened patch, {@code C * P * P}. */
  public int patchDim() {
    return channels * patchSize * patchSize;
  }

  /** Rows of the relative position bias table, {@code (2G - 1)^2 + 3}. */
  public int relPosTableSize() {
    int span = 2 * gridSize() - 1;
    return span * span + 3;
  }

  // ---- copies ----------------------------------------------------------------------------------

  public VitConfig withImageSize(int v) {
    return edit(d -> d.imageSize = v);
  }

  public VitConfig withPatchSize(int v) {
    return edit(d -> d.patchSize = v);
  }

  public VitConfig withChannels(int v) {
    return edit(d -> d.channels = v);
  }

  public VitConfig withWidth(int v) {
    return edit(d -> d.width = v);
  }

  public VitConfig withDepth(int v) {
    return edit(d -> d.depth = v);
  }

  public VitConfig withHeads(int v) {
    return edit(d -> d.heads = v);
  }

  public VitConfig withMlpRatio(double v) {
    return edit(d -> d.mlpRatio = v);
  }

  public VitConfig withQkvBias(boolean v) {
    return edit(d -> d.qkvBias = v);
  }

  public VitConfig withLayerScaleInit(double v) {
    return edit(d -> d.layerScaleInit = v);
  }

  public VitConfig withAbsPosEmbed(boolean v) {
    return edit(d -> d.absPosEmbed = v);
  }

  public VitConfig withRelPosBias(boolean v) {
    return edit(d -> d.relPosBias = v);
  }

  public VitConfig withDropPath(double v) {
    return edit(d -> d.dropPath = v);
  }

  /** The fields as mutable values, so that each copy names only the field it changes. */
  private static final class Draft {
    int imageSize;
    int patchSize;
    int channels;
    int width;
    int depth;
    int heads;
    double mlpRatio;
    boolean qkvBias;
    double layerScaleInit;
    boolean absPosEmbed;
    boolean relPosBias;
    double dropPath;
  }

  /** A copy with {@code change} applied to a draft of this config's fields (then validated). */
  private VitConfig edit(Consumer<Draft> change) {
    Draft d = new Draft();
    d.imageSize = imageSize;
    d.patchSize = patchSize;
    d.channels = channels;
    d.width = width;
    d.depth = depth;
    d.heads = heads;
    d.mlpRatio = mlpRatio;
    d.qkvBias = qkvBias;
    d.layerScaleInit = layerScaleInit;
    d.absPosEmbed = absPosEmbed;
    d.relPosBias = relPosBias;
    d.dropPath = dropPath;
    change.accept(d);
    return new VitConfig(
        d.imageSize,
        d.patchSize,
        d.channels,
        d.width,
        d.depth,
        d.heads,
        d.mlpRatio,
        d.qkvBias,
        d.layerScaleInit,
        d.absPosEmbed,
        d.relPosBias,
        d.dropPath);
  }
}
