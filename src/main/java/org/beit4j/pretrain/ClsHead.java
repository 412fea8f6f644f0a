package org.beit4j.pretrain;

import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Block;
import org.beit4j.nn.Init;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * [CLS] pretraining, seed article section 1.3.2 (Condenser-style): the last layer's [CLS] is put in
 * front of an early layer's patch outputs and a shallow extra transformer must predict the masked
 * tokens from them through the shared MIM head, so that {@code h_CLS^L} has to carry the image's
 * global information. Exists only during pretraining.
 */
public final class ClsHead {

  private ClsHead() {}

  /**
   * {@code S = [h_CLS^L, h_1^l, ..., h_N^l]}.
   *
   * @param scope the branch's scope: the values are {@code scope/input/cls}, {@code
   *     scope/input/patches} and {@code scope/input}
   * @param last {@code [B, T, D]} output of the last block (before the final norm)
   * @param early {@code [B, T, D]} output of block {@code l}
   * @return {@code [B, T, D]}
   */
  public static SDVariable sequence(
      SameDiff sd, String scope, VitConfig cfg, SDVariable last, SDVariable early) {
    SDVariable cls =
        last.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all())
            .rename(scope + "/input/cls"); // [B, 1, D]
    SDVariable patches =
        early
            .get(SDIndex.all(), SDIndex.interval(1, cfg.tokens()), SDIndex.all())
            .rename(scope + "/input/patches"); // [B, N, D]
    return sd.concat(scope + "/input", 1, cls, patches); // [B, T, D]
  }

  /**
   * The extra blocks {@code scope/block0 .. scope/block(depth-1)} over {@code S}, sharing the
   * backbone's relative position bias as the official code does. Their output projections are
   * rescaled as if they were blocks {@code l .. l + depth - 1} of the backbone (BEiT's {@code
   * fix_init_weight} by depth).
   *
   * @param s {@code [B, T, D]}
   * @param bias the shared relative position bias {@code [h, T, T]} or {@code null}
   * @param layer {@code l}, 1-based
   * @return {@code [B, T, D]}, before the (shared) final norm
   */
  public static SDVariable blocks(
      SameDiff sd,
      String scope,
      Init init,
      VitConfig cfg,
      SDVariable s,
      SDVariable bias,
      int layer,
      int depth) {
    List<SDVariable> rows = Block.blocks(sd, scope, init, cfg, s, bias, depth); // [B*T, D]
    for (int j = 0; j < depth; j++) {
      String name = scope + "/block" + j;
      double rescale = 1.0 / Math.sqrt(2.0 * (layer + j + 1));
      sd.getVariable(name + "/attn/proj/w").getArr().muli(rescale);
      sd.getVariable(name + "/mlp/fc2/w").getArr().muli(rescale);
    }
    return Block.tokens(sd, cfg, rows.get(depth - 1)); // [B, T, D]
  }

  /**
   * The backbone's final LayerNorm applied again with its own parameters ({@code
   * vitScope/norm/gain}, {@code vitScope/norm/b}): the official code normalises the branch's output
   * with the same norm.
   *
   * @param name the output's name
   * @param x {@code [B, T, D]}
   */
  public static SDVariable sharedNorm(SameDiff sd, String vitScope, String name, SDVariable x) {
    SDVariable gain = sd.getVariable(vitScope + "/norm/gain"); // [D]
    SDVariable b = sd.getVariable(vitScope + "/norm/b"); // [D]
    return sd.nn().layerNorm(name, x, gain, b, false, 2); // [B, T, D]
  }
}
