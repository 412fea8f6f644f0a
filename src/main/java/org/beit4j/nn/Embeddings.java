package org.beit4j.nn;

import org.beit4j.config.VitConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input side of a ViT: patch embedding, the [CLS] token and absolute position embeddings.
 *
 * <p>Split in two steps so that masked image modelling can replace patch embeddings by a mask token
 * between them, and the tokenizer decoder can start from token vectors instead of images.
 */
public final class Embeddings {

  private Embeddings() {}

  /**
   * Patch embedding {@code e_i = W x_i + b} of the flattened patches {@code x_i} (a conv2d with
   * kernel = stride = P written as reshape + linear). Patches are taken in row-major order and
   * flattened as {@code (c, y, x)}, the layout of a PyTorch conv weight {@code [D, C, P, P]}.
   *
   * @param images {@code [B, C, H, W]}
   * @return {@code [B, N, D]}; parameters {@code scope/proj/w [C*P*P, D]}, {@code scope/proj/b [D]}
   */
  public static SDVariable patchEmbed(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable images) {
    int c = cfg.channels();
    int p = cfg.patchSize();
    int g = cfg.gridSize();
    SDVariable x = sd.reshape(images, -1, c, g, p, g, p); // [B, C, Gy, P, Gx, P]
    x = sd.permute(x, 0, 2, 4, 1, 3, 5); // [B, Gy, Gx, C, P, P]
    x = sd.reshape(x, -1, cfg.patchDim()); // [B*N, C*P*P]
    SDVariable e = Layers.linear(sd, scope + "/proj", init, x, cfg.patchDim(), cfg.width(), true);
    return sd.reshape(e, -1, cfg.numPatches(), cfg.width()); // [B, N, D]
  }

  /**
   * Prepends the learned [CLS] token and adds absolute position embeddings if the config has them:
   * {@code z_0 = [cls; e_1 .. e_N] (+ E_pos)}.
   *
   * @param patches {@code [B, N, D]} patch (or mask) token vectors
   * @return {@code [B, T, D]}, {@code T = 1 + N}; parameters {@code scope/cls [1, 1, D]} and {@code
   *     scope/pos [1, T, D]} (truncated normal)
   */
  public static SDVariable prependCls(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable patches) {
    int d = cfg.width();
    SDVariable cls = sd.var(scope + "/cls", init.truncNormal(1, 1, d)); // [1, 1, D]
    SDVariable batch = sd.reshape(sd.sizeAt(patches, 0), 1).castTo(DataType.INT); // [1]
    SDVariable ones = sd.constant(Nd4j.createFromArray(1, 1)); // [2]
    SDVariable reps = sd.concat(0, batch, ones); // [3] = (B, 1, 1)
    SDVariable clsB = sd.tile(cls, reps); // [B, 1, D]
    SDVariable z = sd.concat(1, clsB, patches); // [B, T, D]
    if (cfg.absPosEmbed()) {
      SDVariable pos = sd.var(scope + "/pos", init.truncNormal(1, cfg.tokens(), d)); // [1, T, D]
      z = z.add(pos); // [B, T, D]
    }
    return z;
  }
}
