package org.beit4j.train;

/**
 * AdamW's settings apart from the learning rate (which is the {@link Schedule}'s).
 *
 * @param weightDecay decoupled weight decay (0.05 in BEiT v2), 0 = plain Adam
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay (0.98 in BEiT v2)
 * @param epsilon added to the root of the second moment
 * @param clipNorm global gradient-norm clip (3.0 in BEiT v2), 0 = off
 */
public record Optimizer(
    double weightDecay, double beta1, double beta2, double epsilon, double clipNorm) {

  /** Validates every field; messages name the field and the value. */
  public Optimizer {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0 but was " + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "beta1 and beta2 must be in [0, 1) but were " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0 but was " + epsilon);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 but was " + clipNorm);
    }
  }

  /** BEiT v2's pretraining optimiser: decay 0.05, betas (0.9, 0.98), eps 1e-8, clip 3.0. */
  public static Optimizer beit() {
    return new Optimizer(0.05, 0.9, 0.98, 1e-8, 3.0);
  }

  /** Plain Adam with its usual defaults: no decay, betas (0.9, 0.999), eps 1e-8, no clip. */
  public static Optimizer adam() {
    return new Optimizer(0, 0.9, 0.999, 1e-8, 0);
  }

  public Optimizer withWeightDecay(double v) {
    return new Optimizer(v, beta1, beta2, epsilon, clipNorm);
  }

  public Optimizer withClipNorm(double v) {
    return new Optimizer(weightDecay, beta1, beta2, epsilon, v);
  }
}
