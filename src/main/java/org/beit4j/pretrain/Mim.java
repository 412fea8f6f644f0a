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
    SDVariable m = sd.reshape(scope + "/m", mask, -1, n, 1); // [B, N, 1]
    SDVariable keep = m.rsub(scope + "/keep", 1.0); // [B, N, 1]
    SDVariable kept = patches.mul(scope + "/kept", keep); // [B, N, D]
    return kept.add(scope + "/out", m.mul(scope + "/tokens", token)); // [B, N, D]
  }

  /**
   * Which rows of the flattened patches are masked: {@code mask} as an INT 0/1 partition index for
   * {@link #maskedRows}.
   *
   * @param name the index's name
   * @param mask {@code [B, N]} 0/1, 1 = masked
   * @return {@code [B*N]} INT
   */
  public static SDVariable maskedIndex(SameDiff sd, String name, SDVariable mask) {
    return sd.reshape(name + "/flat", mask, -1).castTo(name, DataType.INT); // [B*N]
  }

  /**
   * The rows {@code i in M} of {@code rows}, in order, by {@code dynamic_partition}: eq. (4) and
   * (5) need the head only there, and in M2.1 {@code gather} has no backward while {@code
   * dynamic_partition} has one (the gradient of the other rows is zero, as with a 0/1 weight).
   *
   * @param name the masked rows' name ({@code name/unmasked} the others)
   * @param rows {@code [B*N, ...]}
   * @param index {@code [B*N]} from {@link #maskedIndex}
   * @return {@code [M, ...]}, {@code M = |M|} the number of masked patches of the batch
   */
  public static SDVariable maskedRows(SameDiff sd, String name, SDVariable rows, SDVariable index) {
    String[] names = {name + "/unmasked", name};
    return sd.dynamicPartition(names, rows, index, 2)[1]; // [M, ...]
  }

  /**
   * Eq. (4) before the softmax: {@code W_c h_i + b_c} for every given row; the parameters {@code
   * scope/w [D, K]}, {@code scope/b [K]} are created on the first call and reused by later calls
   * with the same scope, so that the [CLS] branch shares the head (section 1.3.2).
   *
   * @param name the logits' name ({@code name/wx} before the bias)
   * @param rows {@code [R, D]} normalised patch outputs (all patches, or the masked ones)
   * @return logits {@code [R, K]}
   */
  public static SDVariable headLogits(
      SameDiff sd, String scope, String name, Init init, SDVariable rows, int d, int k) {
    SDVariable w =
        sd.hasVariable(scope + "/w")
            ? sd.getVariable(scope + "/w")
            : sd.var(scope + "/w", init.truncNormal(d, k)); // [D, K]
    SDVariable b =
        sd.hasVariable(scope + "/b")
            ? sd.getVariable(scope + "/b")
            : sd.var(scope + "/b", init.zeros(k)); // [K]
    return sd.mmul(name + "/wx", rows, w).add(name, b); // [R, K]
  }

  /**
   * Eq. (5), {@code L = -(1/|M|) sum_{i in M} log softmax(W_c h_i + b_c)_{z_i}}, on the masked rows
   * alone ({@link #maskedRows}), averaged over them (the official code averages over all masked
   * patches of the batch). Written as {@code sum(oneHot * logSoftmax)} because SameDiff's fused
   * softmax cross-entropy ignores the upstream gradient.
   *
   * @param name the loss's name; its intermediate values are {@code name/...}
   * @param logits {@code [M, K]} of the masked patches
   * @param codes {@code [M]} INT tokenizer codes of the same patches
   * @return scalar loss
   */
  public static SDVariable maskedCrossEntropy(
      SameDiff sd, String name, SDVariable logits, SDVariable codes, int k) {
    SDVariable targets =
        sd.oneHot(name + "/targets", codes, k, -1, 1.0, 0.0, logits.dataType()); // [M, K]
    SDVariable logProb = sd.nn().logSoftmax(name + "/logprob", logits); // [M, K]
    SDVariable ll = sd.sum(name + "/ll", targets.mul(name + "/picked", logProb), 1); // [M]
    return sd.mean(name + "/meanll", ll).neg(name); // []
  }

  /**
   * Share of masked positions whose most likely token is the target (not differentiable, for
   * reporting).
   *
   * @param name the accuracy's name; its intermediate values are {@code name/...}
   * @param logits {@code [M, K]} of the masked patches
   * @param codes {@code [M]} INT codes of the same patches
   * @return scalar in [0, 1]
   */
  public static SDVariable maskedAccuracy(
      SameDiff sd, String name, SDVariable logits, SDVariable codes) {
    SDVariable predicted =
        sd.argmax(name + "/argmax", logits, 1).castTo(name + "/predicted", DataType.INT); // [M]
    SDVariable hit =
        sd.eq(name + "/eq", predicted, codes).castTo(name + "/hit", logits.dataType()); // [M]
    return sd.mean(name, hit); // []
  }
}
