package org.beit4j.teacher;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A teacher whose patch features are standardised per token, {@code t' = (t - mean(t)) / std(t)}
 * over the {@code Dt} channels of each patch: a LayerNorm without gain and bias. CLIP's targets in
 * BEiT v2 come out of a final LayerNorm (seed article section 1.2.3); a CNN's raw 1x1-conv outputs
 * do not, and their per-token mean and norm are what the cosine of eq. (2) keeps or ignores (issue
 * #17, cause 1). Wrapping the built-in CNN teacher in this gives the tokenizer targets of CLIP's
 * kind.
 */
public final class LayerNormTeacher implements Teacher {

  /** Added to the variance, as in LayerNorm. */
  public static final double EPSILON = 1e-6;

  private final Teacher inner;

  /**
   * @param inner the teacher whose features are standardised; closed with this one
   */
  public LayerNormTeacher(Teacher inner) {
    if (inner == null) {
      throw new IllegalArgumentException("inner teacher must not be null");
    }
    this.inner = inner;
  }

  /** The wrapped teacher. */
  public Teacher inner() {
    return inner;
  }

  @Override
  public INDArray patchFeatures(INDArray images) {
    return standardise(inner.patchFeatures(images));
  }

  /**
   * Per-token standardisation of {@code [B, N, D]} features over the last axis, in float.
   *
   * @param t {@code [B, N, D]}
   * @return a new {@code [B, N, D]} array, each token with mean 0 and variance 1 (up to epsilon)
   */
  public static INDArray standardise(INDArray t) {
    if (t.rank() != 3) {
      throw new IllegalArgumentException(
          "teacher features must be [B, N, D] but have shape " + Arrays.toString(t.shape()));
    }
    INDArray x = t.castTo(DataType.FLOAT).dup();
    INDArray mean = x.mean(true, 2); // [B, N, 1]
    x.subi(mean);
    INDArray var = x.mul(x).mean(true, 2); // [B, N, 1]
    INDArray inv = Transforms.pow(var.addi(EPSILON), -0.5, false);
    return x.muli(inv);
  }

  @Override
  public int gridSize() {
    return inner.gridSize();
  }

  @Override
  public int featureDim() {
    return inner.featureDim();
  }

  /**
   * The inner teacher's id with a {@code layernorm:} prefix, so caches and provenance tell them
   * apart.
   */
  @Override
  public String id() {
    return "layernorm:" + inner.id();
  }

  @Override
  public void close() {
    inner.close();
  }
}
