package org.beit4j.tokenizer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns images into discrete visual tokens, one per patch: the targets of masked image modelling
 * (seed article section 1.3.1, the {@code z_i} of eq. (5)). The VQ-KD tokenizer is the BEiT v2 one;
 * a k-means tokenizer over raw pixel patches gives BEiT v1-like targets for comparison.
 */
public interface VisualTokenizer {

  /**
   * Visual tokens of a batch.
   *
   * @param images {@code [B, C, H, W]} pixels in [0, 1]
   * @return {@code [B][N]} code indices in {@code [0, codebookSize())}, patches in row-major order
   */
  int[][] tokenize(INDArray images);

  /** Number of distinct tokens {@code |V|}. */
  int codebookSize();

  /** Patches per side of the token grid ({@code N = gridSize()^2}). */
  int gridSize();

  /** Short identifier for provenance, e.g. "vqkd:runs/x/tokenizer" or "pixel-kmeans:512". */
  String id();
}
