package org.beit4j.quantizer;

import java.util.Arrays;
import org.beit4j.Beit4j;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Graph operations of the VQ-KD quantizer (seed article section 1.2, eqs. (1) and (2)).
 *
 * <p>Letters: {@code M} vectors to quantize (the caller flattens {@code [B, N, d]} to {@code [B*N,
 * d]}: SameDiff M2.1 refuses a rank-3 by rank-2 {@code mmul}), {@code K} codes, {@code d} the code
 * width. The codebook enters a graph as a CONSTANT (see {@link #codebookConstant}); it is updated
 * from Java by an EMA ({@link Codebook#update}), never by gradients.
 */
public final class VectorQuantizer {

  /** Added to the squared norm in {@link #l2Normalize} so a zero vector maps to zero. */
  public static final double L2_EPS = 1e-12;

  static {
    Beit4j.init();
  }

  private VectorQuantizer() {}

  /**
   * {@code l2(x) = x / sqrt(sum_k x_k^2 + eps)} along the last axis: the {@code l2} of eqs. (1) and
   * (2). Equal to PyTorch's {@code F.normalize} for {@code ||x|| >> sqrt(eps)}.
   *
   * @param x {@code [..., d]}
   * @return {@code [..., d]}, rows of unit length
   */
  public static SDVariable l2Normalize(SameDiff sd, String scope, SDVariable x, double eps) {
    int last = x.getShape() == null ? -1 : x.getShape().length - 1;
    SDVariable sq = x.mul(scope + "/sq", x); // [..., d]
    SDVariable ss = sq.sum(scope + "/sumsq", true, last).add(scope + "/sumsqeps", eps); // [..., 1]
    SDVariable norm = sd.math().sqrt(scope + "/norm", ss); // [..., 1]
    return x.div(scope + "/out", norm); // [..., d]
  }

  /**
   * Eq. (1), {@code z_i = argmin_j || l2(h_i) - l2(e_j) ||}: for unit vectors the distance is
   * smallest where the cosine {@code l2(h_i) . l2(e_j)} is largest, so this takes the argmax of one
   * matrix product.
   *
   * @param hNorm {@code [M, d]}, already l2-normalised
   * @param codebookNorm {@code [K, d]}, l2-normalised codes
   * @return {@code [M]} code indices, LONG (no gradient)
   */
  public static SDVariable codeIndices(
      SameDiff sd, String scope, SDVariable hNorm, SDVariable codebookNorm) {
    checkCodeDim(hNorm, codebookNorm);
    SDVariable cos = sd.mmul(scope + "/cos", hNorm, codebookNorm, false, true, false); // [M, K]
    return sd.argmax(scope + "/indices", cos, false, 1); // [M]
  }

  /**
   * {@code e_{z_i}}: the rows of the codebook at the given indices, as {@code oneHot(z) @ E} (the
   * {@code gather} op has no working backprop in M2.1).
   *
   * @param indices {@code [M]} LONG
   * @param codebook {@code [K, d]}
   * @return {@code [M, d]}
   */
  public static SDVariable lookup(
      SameDiff sd, String scope, SDVariable indices, SDVariable codebook, int codebookSize) {
    SDVariable oneHot =
        sd.oneHot(
            scope + "/onehot", indices, codebookSize, -1, 1.0, 0.0, codebook.dataType()); // [M, K]
    return sd.mmul(scope + "/ez", oneHot, codebook); // [M, d]
  }

  /**
   * Straight-through estimator (VQ-VAE): {@code zq = h + sg(e_z - h)}. The forward value is {@code
   * e_z}; the backward pass copies {@code dL/dzq} to {@code dL/dh} unchanged, and nothing reaches
   * {@code e_z}.
   *
   * @param h {@code [M, d]}
   * @param ez {@code [M, d]}
   * @return {@code [M, d]}
   */
  public static SDVariable straightThrough(SameDiff sd, String scope, SDVariable h, SDVariable ez) {
    SDVariable diff = ez.sub(scope + "/diff", h); // [M, d]
    SDVariable stopped = stopGradient(sd, scope + "/sg", diff); // [M, d]
    return h.add(scope + "/zq", stopped); // [M, d]
  }

  /**
   * First term of eq. (2) as a loss, as the official {@code calculate_rec_loss}: {@code mean_i (1 -
   * cos(o_i, t_i))} over all positions.
   *
   * @param o decoder outputs {@code [..., Dt]}
   * @param t teacher features {@code [..., Dt]} (same shape)
   * @return scalar
   */
  public static SDVariable distillationLoss(SameDiff sd, String scope, SDVariable o, SDVariable t) {
    SDVariable on = l2Normalize(sd, scope + "/onorm", o, L2_EPS); // [..., Dt]
    SDVariable tn = l2Normalize(sd, scope + "/tnorm", t, L2_EPS); // [..., Dt]
    int last = o.getShape() == null ? -1 : o.getShape().length - 1;
    SDVariable cos = on.mul(scope + "/prod", tn).sum(scope + "/cos", false, last); // [...]
    return cos.rsub(scope + "/dist", 1.0).mean(scope + "/loss"); // []
  }

  /**
   * Commitment term of eq. (2), as the official code ({@code beta * F.mse_loss(z_q.detach(), z)}):
   * {@code beta * mean_{i,k} (l2(h_i)_k - sg(e_{z_i})_k)^2}, the mean taken over all {@code M*d}
   * elements, i.e. {@code beta/d * mean_i ||l2(h_i) - sg(e_{z_i})||^2}. The codebook term {@code
   * ||sg(l2(h_i)) - l2(e_{z_i})||^2} is replaced by the EMA update.
   *
   * @param hNorm {@code [M, d]}, l2-normalised encoder outputs
   * @param ez {@code [M, d]}, the selected codes
   * @return scalar
   */
  public static SDVariable commitmentLoss(
      SameDiff sd, String scope, SDVariable hNorm, SDVariable ez, double beta) {
    SDVariable target = stopGradient(sd, scope + "/sg", ez); // [M, d]
    SDVariable diff = hNorm.sub(scope + "/diff", target); // [M, d]
    SDVariable sq = diff.mul(scope + "/sq", diff); // [M, d]
    return sq.mean(scope + "/mse").mul(scope + "/loss", beta); // []
  }

  /** The quantizer's outputs in a graph. */
  public record Quantized(
      SDVariable hNorm, SDVariable indices, SDVariable zq, SDVariable commitment) {}

  /**
   * The whole quantizer as the official {@code NormEMAVectorQuantizer.forward}: {@code l2(h)}, eq.
   * (1), lookup, straight-through on the normalised vectors, commitment loss.
   *
   * @param h {@code [M, d]} encoder outputs (not normalised)
   * @param codebook {@code [K, d]}, a CONSTANT (see {@link #codebookConstant})
   */
  public static Quantized quantize(
      SameDiff sd, String scope, SDVariable h, SDVariable codebook, QuantizerConfig config) {
    checkCodeDim(h, codebook);
    SDVariable hNorm = l2Normalize(sd, scope + "/hnorm", h, L2_EPS); // [M, d]
    SDVariable cbNorm = l2Normalize(sd, scope + "/cbnorm", codebook, L2_EPS); // [K, d]
    SDVariable indices = codeIndices(sd, scope + "/nearest", hNorm, cbNorm); // [M]
    SDVariable ez = lookup(sd, scope + "/lookup", indices, cbNorm, config.codebookSize()); // [M, d]
    SDVariable zq = straightThrough(sd, scope + "/st", hNorm, ez); // [M, d]
    SDVariable commit = commitmentLoss(sd, scope + "/commit", hNorm, ez, config.beta()); // []
    return new Quantized(hNorm, indices, zq, commit);
  }

  /**
   * Puts a copy of the codebook into the graph as the constant {@code scope/codebook}; refresh it
   * after each EMA step with {@link Codebook#copyTo}.
   *
   * @return {@code [K, d]}
   */
  public static SDVariable codebookConstant(SameDiff sd, String scope, Codebook codebook) {
    return sd.constant(scope + "/codebook", codebook.embeddings());
  }

  /** {@code sg(x)}: the identity forward, a zero gradient backward. */
  public static SDVariable stopGradient(SameDiff sd, String name, SDVariable x) {
    return sd.updateVariableNameAndReference(new StopGradient(sd, x).outputVariable(), name);
  }

  private static void checkCodeDim(SDVariable h, SDVariable codebook) {
    long[] hs = h.getShape();
    long[] cs = codebook.getShape();
    if (hs == null || cs == null) {
      return;
    }
    if (hs.length != 2 || cs.length != 2 || hs[1] != cs[1]) {
      throw new IllegalArgumentException(
          "h has shape "
              + Arrays.toString(hs)
              + " but the codebook has shape "
              + Arrays.toString(cs)
              + ": expected h [M, d] and codebook [K, d] with the same d");
    }
  }
}
