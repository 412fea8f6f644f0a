package org.beit4j.teacher;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A frozen network whose patch features VQ-KD learns to reconstruct (seed article section 1.2.3,
 * the {@code t_i} of eq. (2)). In the paper this is CLIP ViT-B/16 or DINO ViT-B/16.
 *
 * <p>Contract: {@link #patchFeatures} takes raw pixels {@code [B, C, H, W]} in {@code [0, 1]} (not
 * normalised; every teacher applies its own preprocessing) and returns one feature vector per patch
 * of the tokenizer's grid, {@code [B, N, Dt]} with {@code N = gridSize()^2} in row-major patch
 * order. A teacher never changes its weights.
 */
public interface Teacher extends AutoCloseable {

  /**
   * Patch features of a batch.
   *
   * @param images {@code [B, C, H, W]} pixels in [0, 1]
   * @return {@code [B, N, Dt]}, {@code N = gridSize() * gridSize()}, {@code Dt = featureDim()}
   */
  INDArray patchFeatures(INDArray images);

  /** Patches per side of the grid the features are given on. */
  int gridSize();

  /** {@code Dt}, the width of one patch feature. */
  int featureDim();

  /** A short stable identifier for provenance and feature caches, e.g. "onnx:clip-b16.onnx". */
  String id();

  @Override
  default void close() {}
}
