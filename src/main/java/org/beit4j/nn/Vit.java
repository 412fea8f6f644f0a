package org.beit4j.nn;

import java.util.List;
import org.beit4j.config.VitConfig;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The ViT encoder assembled from its parts, for embedding in any SameDiff graph. Parameter names
 * under {@code scope} ({@code "vit"} below):
 *
 * <pre>
 * vit/patch/proj/{w,b}      patch embedding      vit/embed/cls, vit/embed/pos
 * vit/relpos/table          shared bias          vit/block{l}/{norm1,attn,ls1,norm2,mlp,ls2}
 * vit/norm/{gain,b}         final LayerNorm      vit/head/{w,b}  optional classifier
 * </pre>
 *
 * <p>Typical use: {@code features(sd, "vit", init, cfg, images)}; masked image modelling calls
 * {@link #patchEmbed}, blends in its mask token, then {@link #encode} and {@link #norm}.
 */
public final class Vit {

  private Vit() {}

  /** {@code [B, C, H, W] -> [B, N, D]}, see {@link Embeddings#patchEmbed}, under scope/patch. */
  public static SDVariable patchEmbed(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable images) {
    return Embeddings.patchEmbed(sd, scope + "/patch", init, cfg, images);
  }

  /**
   * Tokens in, block outputs out: prepends [CLS] (+ absolute positions) under scope/embed, builds
   * the shared relative position bias under scope/relpos if enabled, and runs the blocks.
   *
   * @param patches {@code [B, N, D]} patch or mask token vectors
   * @return the output rows {@code [B*T, D]} of every block ({@link Block#tokens} makes them {@code
   *     [B, T, D]}), last = encoder output before the final norm
   */
  public static List<SDVariable> encode(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable patches) {
    SDVariable x = Embeddings.prependCls(sd, scope + "/embed", init, cfg, patches); // [B, T, D]
    SDVariable bias =
        cfg.relPosBias() ? RelativePositionBias.bias(sd, scope + "/relpos", init, cfg) : null;
    return Block.stack(sd, scope, init, cfg, x, bias);
  }

  /** Final LayerNorm under scope/norm, {@code [B, T, D] -> [B, T, D]}. */
  public static SDVariable norm(SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable x) {
    return Layers.layerNorm(sd, scope + "/norm", init, x, cfg.width(), 3);
  }

  /** Images to normalised token features, {@code [B, C, H, W] -> [B, T, D]}. */
  public static SDVariable features(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable images) {
    List<SDVariable> layers =
        encode(sd, scope, init, cfg, patchEmbed(sd, scope, init, cfg, images));
    return norm(sd, scope, init, cfg, Block.tokens(sd, cfg, layers.get(layers.size() - 1)));
  }

  /** The [CLS] token, {@code [B, T, D] -> [B, D]}. */
  public static SDVariable poolCls(SameDiff sd, VitConfig cfg, SDVariable x) {
    SDVariable cls = x.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all()); // [B, 1, D]
    return sd.reshape(cls, -1, cfg.width()); // [B, D]
  }

  /** Patch tokens without [CLS], {@code [B, T, D] -> [B, N, D]}. */
  public static SDVariable patchTokens(SameDiff sd, VitConfig cfg, SDVariable x) {
    return x.get(SDIndex.all(), SDIndex.interval(1, cfg.tokens()), SDIndex.all()); // [B, N, D]
  }

  /** Mean of the patch tokens, {@code [B, T, D] -> [B, D]}. */
  public static SDVariable poolMean(SameDiff sd, VitConfig cfg, SDVariable x) {
    return sd.mean(patchTokens(sd, cfg, x), 1); // [B, D]
  }

  /** Linear classifier under scope/head, {@code [B, D] -> [B, classes]}. */
  public static SDVariable head(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable pooled, int classes) {
    return Layers.linear(sd, scope + "/head", init, pooled, cfg.width(), classes, true);
  }
}
