package org.beit4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.config.VitConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** The pre-norm transformer block and a stack of them. */
public final class Block {

  private Block() {}

  /**
   * Two-layer perceptron {@code MLP(x) = GELU(x W1 + b1) W2 + b2} with the exact GELU, on token
   * rows, its output scaled per column by {@code scale} when one is given (a block's layer scale,
   * folded into {@code fc2}: {@link Layers#rowsLinear(SameDiff, String, Init, SDVariable, int, int,
   * SDVariable)}).
   *
   * @param rows {@code [B*T, D]}
   * @param scale {@code [D]}, or {@code null}
   * @return {@code [B*T, D]}; parameters {@code scope/fc1 [D, M]}, {@code scope/fc2 [M, D]}, M =
   *     {@code mlpHidden()}
   */
  public static SDVariable mlp(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable rows, SDVariable scale) {
    int d = cfg.width();
    int m = cfg.mlpHidden();
    SDVariable hidden = Layers.gelu(sd, Layers.rowsLinear(sd, scope + "/fc1", init, rows, d, m));
    return Layers.rowsLinear(sd, scope + "/fc2", init, hidden, m, d, scale); // [B*T, D]
  }

  /**
   * The learned layer-scale vector {@code gamma [D]} named {@code name}, initialised to {@code
   * layerScaleInit}, or {@code null} when {@code layerScaleInit == 0} (no layer scale).
   */
  public static SDVariable layerScaleGamma(SameDiff sd, String name, Init init, VitConfig cfg) {
    if (cfg.layerScaleInit() == 0) {
      return null;
    }
    return sd.var(name, init.constant(cfg.layerScaleInit(), cfg.width())); // [D]
  }

  /**
   * Pre-norm block: {@code x' = x + ls1 * Attn(LN1(x))}, {@code y = x' + ls2 * MLP(LN2(x'))}.
   *
   * <p>The residual stream is kept as token rows {@code [B*T, D]}: the linears need that layout,
   * LayerNorm over axis 1 of a 2-D array is faster than over axis 2 of {@code [B, T, D]} in M2.1,
   * and every reshape saved is one op and one {@code reshape_bp} fewer per step. The layer scales
   * {@code ls1}, {@code ls2} are folded into the attention's output projection and {@code fc2}
   * ({@code x (W * ls) + b * ls}, the same function): their backward then reduces over the weights'
   * rows, not over all {@code B*T} token rows.
   *
   * @param rows {@code [B*T, D]}
   * @param bias shared relative position bias {@code [h, T, T]} or {@code null}
   * @return {@code [B*T, D]}; parameters under {@code scope/norm1}, {@code scope/attn}, {@code
   *     scope/ls1}, {@code scope/norm2}, {@code scope/mlp}, {@code scope/ls2}
   */
  public static SDVariable block(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable rows, SDVariable bias) {
    int d = cfg.width();
    SDVariable ls1 = layerScaleGamma(sd, scope + "/ls1", init, cfg);
    SDVariable ls2 = layerScaleGamma(sd, scope + "/ls2", init, cfg);
    SDVariable a = Layers.layerNorm(sd, scope + "/norm1", init, rows, d, 2); // [B*T, D]
    a = Attention.selfAttentionRows(sd, scope + "/attn", init, cfg, a, bias, ls1); // [B*T, D]
    SDVariable x = rows.add(a); // [B*T, D]
    SDVariable m = Layers.layerNorm(sd, scope + "/norm2", init, x, d, 2); // [B*T, D]
    m = mlp(sd, scope + "/mlp", init, cfg, m, ls2); // [B*T, D]
    return x.add(m); // [B*T, D]
  }

  /**
   * {@code count} {@link #block}s {@code scope/block0 ..} on {@code [B, T, D]} tokens, run as rows.
   *
   * @param x {@code [B, T, D]}
   * @return the output rows {@code [B*T, D]} of every block ({@link #tokens} gives {@code [B, T,
   *     D]}; reshapes are left to the caller, since one that nothing reads would count as an extra
   *     graph output)
   */
  public static List<SDVariable> blocks(
      SameDiff sd,
      String scope,
      Init init,
      VitConfig cfg,
      SDVariable x,
      SDVariable bias,
      int count) {
    List<SDVariable> outputs = new ArrayList<>(count);
    SDVariable rows = sd.reshape(x, -1, cfg.width()); // [B*T, D]
    for (int j = 0; j < count; j++) {
      rows = block(sd, scope + "/block" + j, init, cfg, rows, bias); // [B*T, D]
      outputs.add(rows);
    }
    return outputs;
  }

  /** Token rows back to tokens, {@code [B*T, D] -> [B, T, D]}. */
  public static SDVariable tokens(SameDiff sd, VitConfig cfg, SDVariable rows) {
    return sd.reshape(rows, -1, cfg.tokens(), cfg.width()); // [B, T, D]
  }

  /**
   * {@code cfg.depth()} blocks {@code scope/block0 .. scope/block(L-1)} sharing one bias.
   *
   * <p>As BEiT's {@code fix_init_weight}, the output projections of block {@code l} ({@code
   * attn/proj/w}, {@code mlp/fc2/w}) are divided by {@code sqrt(2 (l + 1))} at initialisation, so
   * that the residual stream does not grow with depth.
   *
   * @param x {@code [B, T, D]}
   * @return the output rows {@code [B*T, D]} of every block; element {@code l} is block {@code l}'s
   */
  public static List<SDVariable> stack(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable x, SDVariable bias) {
    List<SDVariable> outputs = blocks(sd, scope, init, cfg, x, bias, cfg.depth());
    for (int l = 0; l < cfg.depth(); l++) {
      String name = scope + "/block" + l;
      double rescale = 1.0 / Math.sqrt(2.0 * (l + 1));
      sd.getVariable(name + "/attn/proj/w").getArr().muli(rescale);
      sd.getVariable(name + "/mlp/fc2/w").getArr().muli(rescale);
    }
    return outputs;
  }
}
