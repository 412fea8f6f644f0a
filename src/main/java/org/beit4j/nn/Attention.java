package org.beit4j.nn;

import org.beit4j.config.VitConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Multi-head self-attention (Vaswani et al. 2017) with BEiT's optional relative position bias.
 *
 * <p>Letters: {@code B} batch, {@code T} tokens, {@code D} width, {@code h} heads, {@code hd =
 * D/h}.
 */
public final class Attention {

  private Attention() {}

  /**
   * {@code softmax(Q K^T / sqrt(hd) + bias) V} per head.
   *
   * @param q {@code [B, h, T, hd]}
   * @param k {@code [B, h, T, hd]}
   * @param v {@code [B, h, T, hd]}
   * @param bias {@code [h, T, T]} added to every batch element, or {@code null}
   * @return {@code [B, h, T, hd]}
   */
  public static SDVariable scaledDotProduct(
      SameDiff sd, SDVariable q, SDVariable k, SDVariable v, SDVariable bias, int headDim) {
    SDVariable logits =
        sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(headDim)); // [B,h,T,T]
    if (bias != null) {
      logits = logits.add(bias); // [B, h, T, T]
    }
    SDVariable attn = sd.nn().softmax(logits, -1); // [B, h, T, T]
    return sd.mmul(attn, v); // [B, h, T, hd]
  }

  /**
   * Self-attention block {@code Attn(x) = concat_h(softmax(Q_h K_h^T / sqrt(hd) + B_h) V_h) W_o +
   * b_o} with {@code [Q K V] = x W_qkv + [b_q 0 b_v]}. As in BEiT the key has no bias (a key bias
   * adds the same value to every logit of a query row, which softmax cancels).
   *
   * @param x {@code [B, T, D]}
   * @param bias {@code [h, T, T]} relative position bias or {@code null}
   * @return {@code [B, T, D]}; parameters as {@link #selfAttentionRows}
   */
  public static SDVariable selfAttention(
      SameDiff sd, String scope, Init init, VitConfig cfg, SDVariable x, SDVariable bias) {
    SDVariable rows = sd.reshape(x, -1, cfg.width()); // [B*T, D]
    SDVariable y = selfAttentionRows(sd, scope, init, cfg, rows, bias, null); // [B*T, D]
    return sd.reshape(y, -1, cfg.tokens(), cfg.width()); // [B, T, D]
  }

  /**
   * {@link #selfAttention} on token rows, its output projection scaled per column by {@code scale}
   * when one is given (a block's layer scale, folded into the projection: {@link
   * Layers#rowsLinear(SameDiff, String, Init, SDVariable, int, int, SDVariable)}).
   *
   * @param rows {@code [B*T, D]}
   * @param bias {@code [h, T, T]} relative position bias or {@code null}
   * @param scale {@code [D]}, or {@code null}
   * @return {@code [B*T, D]}; parameters {@code scope/qkv/w [D, 3D]}, {@code scope/qbias [D]},
   *     {@code scope/vbias [D]} (when {@code qkvBias}), {@code scope/proj/w [D, D]}, {@code
   *     scope/proj/b [D]}
   */
  public static SDVariable selfAttentionRows(
      SameDiff sd,
      String scope,
      Init init,
      VitConfig cfg,
      SDVariable rows,
      SDVariable bias,
      SDVariable scale) {
    int d = cfg.width();
    int t = cfg.tokens();
    int h = cfg.heads();
    int hd = cfg.headDim();
    SDVariable w = sd.var(scope + "/qkv/w", init.truncNormal(d, 3 * d)); // [D, 3D]
    SDVariable qkv;
    if (cfg.qkvBias()) {
      SDVariable qb = sd.var(scope + "/qbias", init.zeros(d)); // [D]
      SDVariable vb = sd.var(scope + "/vbias", init.zeros(d)); // [D]
      SDVariable kb = sd.constant(scope + "/kbias", init.zeros(d)); // [D], fixed at 0
      // fused xw_plus_b: token rows have B*T >= 2 rows (Layers.rowsLinear)
      qkv = sd.nn().linear(rows, w, sd.concat(0, qb, kb, vb)); // [B*T, 3D]
    } else {
      qkv = sd.mmul(rows, w); // [B*T, 3D]
    }
    qkv = sd.reshape(qkv, -1, t, 3, h, hd); // [B, T, 3, h, hd]
    qkv = sd.permute(qkv, 2, 0, 3, 1, 4); // [3, B, h, T, hd]
    SDVariable[] parts = sd.unstack(qkv, 0, 3); // 3 x [B, h, T, hd]
    SDVariable o = scaledDotProduct(sd, parts[0], parts[1], parts[2], bias, hd); // [B, h, T, hd]
    o = sd.reshape(sd.permute(o, 0, 2, 1, 3), -1, d); // [B*T, D]
    return Layers.rowsLinear(sd, scope + "/proj", init, o, d, d, scale); // [B*T, D]
  }
}
