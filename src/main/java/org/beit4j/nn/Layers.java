package org.beit4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Elementary layers: linear maps, LayerNorm and the exact GELU.
 *
 * <p>Parameters are named {@code scope + "/w"}, {@code scope + "/b"}, {@code scope + "/gain"}.
 * Token tensors {@code [B, T, D]} are flattened to {@code [B*T, D]} for gemms because SameDiff's
 * {@code mmul} does not broadcast rank 3 by rank 2; {@code T} is passed in so the batch stays
 * dynamic.
 *
 * <p>{@link #linear} adds its bias with a broadcast {@code add}, not {@code sd.nn().linear} ({@code
 * xw_plus_b}): in M2.1 the backprop of {@code xw_plus_b} throws a NullPointerException when the
 * input has one row (e.g. a classifier head at batch 1). {@link #rowsLinear} uses the fused op for
 * token rows {@code [B*T, D]}, which have at least 2 rows since {@code T >= 2}.
 */
public final class Layers {

  private Layers() {}

  /**
   * Linear map of rows, {@code y = x W + b}.
   *
   * @param x {@code [M, in]}
   * @return {@code [M, out]}; parameters {@code w [in, out]} (truncated normal), {@code b [out]}
   *     (zeros) when {@code bias}
   */
  public static SDVariable linear(
      SameDiff sd, String scope, Init init, SDVariable x, int in, int out, boolean bias) {
    SDVariable w = sd.var(scope + "/w", init.truncNormal(in, out)); // [in, out]
    if (!bias) {
      return sd.mmul(x, w); // [M, out]
    }
    SDVariable b = sd.var(scope + "/b", init.zeros(out)); // [out]
    return sd.mmul(x, w).add(b); // [M, out]
  }

  /**
   * {@code y = x W + b} by the fused {@code xw_plus_b} (one op and one backward op instead of
   * {@code mmul} + {@code add} and their two backward ops). Only for inputs of at least 2 rows: its
   * M2.1 backward fails on one row.
   *
   * @param rows {@code [M, in]}, {@code M >= 2} (token rows {@code [B*T, in]})
   * @return {@code [M, out]}; parameters {@code scope/w [in, out]} (truncated normal), {@code
   *     scope/b [out]} (zeros)
   */
  public static SDVariable rowsLinear(
      SameDiff sd, String scope, Init init, SDVariable rows, int in, int out) {
    return rowsLinear(sd, scope, init, rows, in, out, null);
  }

  /**
   * {@link #rowsLinear} followed by a per-column scale, {@code y = (x W + b) * s}, computed as
   * {@code x (W * s) + b * s}: the scale multiplies the {@code [in, out]} weights and the bias
   * instead of the {@code [M, out]} output, so its backward reduces over {@code in} rows instead of
   * {@code M} (layer scale: {@code in = D} or {@code 4D} against {@code M = B*T}). The same
   * function and the same parameters; only float rounding differs.
   *
   * @param scale {@code [out]}, or {@code null} for no scale
   */
  public static SDVariable rowsLinear(
      SameDiff sd, String scope, Init init, SDVariable rows, int in, int out, SDVariable scale) {
    SDVariable w = sd.var(scope + "/w", init.truncNormal(in, out)); // [in, out]
    SDVariable b = sd.var(scope + "/b", init.zeros(out)); // [out]
    if (scale != null) {
      w = w.mul(scale); // [in, out]
      b = b.mul(scale); // [out]
    }
    return sd.nn().linear(rows, w, b); // [M, out]
  }

  /**
   * Linear map of every token, {@code y = x W + b}.
   *
   * @param x {@code [B, T, in]} with {@code T = tokens}
   * @return {@code [B, T, out]}
   */
  public static SDVariable tokenLinear(
      SameDiff sd,
      String scope,
      Init init,
      SDVariable x,
      int tokens,
      int in,
      int out,
      boolean bias) {
    SDVariable flat = sd.reshape(x, -1, in); // [B*T, in]
    SDVariable y = linear(sd, scope, init, flat, in, out, bias); // [B*T, out]
    return sd.reshape(y, -1, tokens, out); // [B, T, out]
  }

  /**
   * LayerNorm over the last axis, {@code y = gain * (x - mean) / sqrt(var + eps) + b}.
   *
   * @param x {@code [..., D]} of the given rank (2 or 3)
   * @return same shape; parameters {@code gain [D]} (ones), {@code b [D]} (zeros)
   */
  public static SDVariable layerNorm(
      SameDiff sd, String scope, Init init, SDVariable x, int d, int rank) {
    SDVariable gain = sd.var(scope + "/gain", init.constant(1.0, d)); // [D]
    SDVariable bias = sd.var(scope + "/b", init.zeros(d)); // [D]
    return sd.nn().layerNorm(x, gain, bias, false, rank - 1); // same shape as x
  }

  /**
   * Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}. SameDiff's {@code gelu} is the sigmoid
   * approximation (0.8458 at 1 instead of 0.8413).
   */
  public static SDVariable gelu(SameDiff sd, SDVariable x) {
    SDVariable erf = sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))); // same shape as x
    return x.mul(0.5).mul(erf.add(1.0));
  }
}
