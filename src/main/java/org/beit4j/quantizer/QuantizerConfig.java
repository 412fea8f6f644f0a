package org.beit4j.quantizer;

/**
 * Settings of the VQ-KD quantizer and its codebook (seed article section 1.2, BEiT v2 section 2.1).
 *
 * @param codebookSize {@code K = |V|}, the number of codes (visual words)
 * @param codeDim {@code d}, the width of one code; the encoder output is projected down to it
 * @param beta weight of the commitment term of eq. (2)
 * @param emaDecay decay of the exponential moving averages that update the codebook
 * @param epsilon Laplace-smoothing constant of the EMA cluster sizes
 * @param kmeansInit initialise the codebook by cosine k-means on the first batch (else Gaussian)
 * @param deadCodeWindow re-seed a code unused for this many updates; 0 switches re-seeding off
 */
public record QuantizerConfig(
    int codebookSize,
    int codeDim,
    double beta,
    double emaDecay,
    double epsilon,
    boolean kmeansInit,
    int deadCodeWindow) {

  public QuantizerConfig {
    if (codebookSize < 1) {
      throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
    }
    if (codeDim < 1) {
      throw new IllegalArgumentException("codeDim must be >= 1, got " + codeDim);
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("emaDecay must be in [0, 1), got " + emaDecay);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    if (deadCodeWindow < 0) {
      throw new IllegalArgumentException(
          "deadCodeWindow must be >= 0 (0 = off), got " + deadCodeWindow);
    }
  }

  /**
   * The paper's quantizer (official {@code VQKD} defaults): 8192 codes of width 32, beta 1, decay
   * 0.99, epsilon 1e-5, k-means initialisation, no re-seeding.
   */
  public static QuantizerConfig paper() {
    return new QuantizerConfig(8192, 32, 1.0, 0.99, 1e-5, true, 0);
  }

  /**
   * A quantizer for Fashion-MNIST-sized data: 512 codes of width 32. A 28x28 image cut into 4x4
   * patches gives 49 tokens, so a batch of 64 images yields ~3100 vectors, six per code: every code
   * can receive an EMA update each step, which 8192 codes could not. 512 codes still leave room for
   * far more patch kinds than 10 classes have. Dead codes are re-seeded after 100 unused updates,
   * because a small data set collapses a codebook more easily.
   */
  public static QuantizerConfig small() {
    return new QuantizerConfig(512, 32, 1.0, 0.99, 1e-5, true, 100);
  }

  /** A copy with another codebook size. */
  public QuantizerConfig withCodebookSize(int value) {
    return new QuantizerConfig(value, codeDim, beta, emaDecay, epsilon, kmeansInit, deadCodeWindow);
  }

  /** A copy with another code width. */
  public QuantizerConfig withCodeDim(int value) {
    return new QuantizerConfig(
        codebookSize, value, beta, emaDecay, epsilon, kmeansInit, deadCodeWindow);
  }

  /** A copy with another commitment weight. */
  public QuantizerConfig withBeta(double value) {
    return new QuantizerConfig(
        codebookSize, codeDim, value, emaDecay, epsilon, kmeansInit, deadCodeWindow);
  }

  /** A copy with another EMA decay. */
  public QuantizerConfig withEmaDecay(double value) {
    return new QuantizerConfig(
        codebookSize, codeDim, beta, value, epsilon, kmeansInit, deadCodeWindow);
  }

  /** A copy with k-means initialisation switched on or off. */
  public QuantizerConfig withKmeansInit(boolean value) {
    return new QuantizerConfig(
        codebookSize, codeDim, beta, emaDecay, epsilon, value, deadCodeWindow);
  }

  /** A copy with another dead-code window (0 = off). */
  public QuantizerConfig withDeadCodeWindow(int value) {
    return new QuantizerConfig(codebookSize, codeDim, beta, emaDecay, epsilon, kmeansInit, value);
  }
}
