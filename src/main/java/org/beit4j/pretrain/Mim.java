package org.beit4j.pretrain;

import org.beit4j.nn.Init;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Masked image modelling, seed article section 1.3.1, one method per equation. {@code B} batch,
 * {@code N} patches, {@code D} width, {@code K = |V|} codebook size.
 */
public final class Mim {

  private Mim() {}

  /**
   * Eq. (3), the masked input {@code x_i^M = delta(i in M) e_[M] + (1 - delta(i in M)) x_i^p}, with
   * a learned mask token {@code e_[M]} ({@code scope/token [1, 1, D]}, truncated normal).
   *
   * @param patches {@code [B, N, D]} patch embeddings
   * @param mask {@code [B, N]} 0/1, 1 = masked
   * @return {@code [B, N, D]}
   */
  public static SDVariable maskBlend(
      SameDiff sd, String scope, Init init, SDVariable patches, SDVariable mask, int n, int d) {
    SDVariable token = sd.var(scope + "/token", init.truncNormal(1, 1, d)); // [1, 1, D]
    SDVariable m = sd.reshape(mask, -1, n, 1); // [B, N, 1]
    SDVariable keep = m.rsub(1.0); // [B, N, 1]
    return patches.mul(keep).add(m.mul(token)); // [B, N, D]
  }

  /**
   * Eq. (4) before the softmax: {@code W_c h_i + b_c} for every patch; the parameters {@code
   * scope/w [D, K]}, {@code scope/b [K]} are created on the first call and reused by later calls
   * with the same scope, so that the [CLS] branch shares the head (section 1.3.2).
   *
   * @param tokens {@code [B, N, D]} normalised patch outputs
   * @return logits {@code [B*N, K]}
   */
  public static SDVariable headLogits(
      SameDiff sd, String scope, Init init, SDVariable tokens, int d, int k) {
    SDVariable w =
        sd.hasVariable(scope + "/w")
            ? sd.getVariable(scope + "/w")
            : sd.var(scope + "/w", init.truncNormal(d, k)); // [D, K]
    SDVariable b =
        sd.hasVariable(scope + "/b")
            ? sd.getVariable(scope + "/b")
            : sd.var(scope + "/b", init.zeros(k)); // [K]
    SDVariable flat = sd.reshape(tokens, -1, d); // [B*N, D]
    return sd.mmul(flat, w).add(b); // [B*N, K]
  }

  /**
   * Eq. (5), {@code L = -(1/|M|) sum_{i in M} log softmax(W_c h_i + b_c)_{z_i}}: cross-entropy on
   * the masked positions only, averaged over them (the official code averages over all masked
   * patches of the batch). Written as {@code sum(oneHot * logSoftmax)} with explicit weights
   * because SameDiff's fused softmax cross-entropy ignores the upstream gradient.
   *
   * @param logits {@code [B*N, K]}
   * @param targets {@code [B*N, K]} one-hot tokenizer codes
   * @param mask {@code [B, N]} 0/1
   * @return scalar loss
   */
  public static SDVariable maskedCrossEntropy(
      SameDiff sd, SDVariable logits, SDVariable targets, SDVariable mask) {
    SDVariable logProb = sd.nn().logSoftmax(logits); // [B*N, K]
    SDVariable nll = sd.sum(targets.mul(logProb), 1).neg(); // [B*N]
    SDVariable m = sd.reshape(mask, -1); // [B*N]
    return sd.sum(nll.mul(m)).div(sd.sum(m)); // []
  }

  /**
   * Share of masked positions whose most likely token is the target (not differentiable, for
   * reporting).
   *
   * @param logits {@code [B*N, K]}
   * @param codes {@code [B, N]} integer codes
   * @param mask {@code [B, N]} 0/1
   * @return scalar in [0, 1]
   */
  public static SDVariable maskedAccuracy(
      SameDiff sd, SDVariable logits, SDVariable codes, SDVariable mask) {
    SDVariable predicted = sd.argmax(logits, 1).castTo(DataType.INT); // [B*N]
    SDVariable hit = sd.eq(predicted, sd.reshape(codes, -1)).castTo(mask.dataType()); // [B*N]
    SDVariable m = sd.reshape(mask, -1); // [B*N]
    return sd.sum(hit.mul(m)).div(sd.sum(m)); // []
  }
}
