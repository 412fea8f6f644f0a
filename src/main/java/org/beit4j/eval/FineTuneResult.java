package org.beit4j.eval;

import java.util.List;

/**
 * What a {@link FineTune} run measured.
 *
 * @param top1 accuracy on the held-out images after training, in [0, 1]
 * @param trainImages labelled images trained on
 * @param testImages held-out images scored
 * @param steps optimiser steps done
 * @param seconds wall time of training and scoring
 * @param history every step's training loss and accuracy (on its own batch, before the update)
 */
public record FineTuneResult(
    double top1, int trainImages, int testImages, int steps, double seconds, List<Step> history) {

  /** Copies the history. */
  public FineTuneResult {
    history = List.copyOf(history);
  }

  /**
   * One optimiser step.
   *
   * @param step 1-based step number
   * @param learningRate the scheduled (unscaled) rate used
   * @param loss mean cross-entropy of the batch
   * @param accuracy top-1 on the batch
   * @param seconds wall time of the step
   */
  public record Step(int step, double learningRate, double loss, double accuracy, double seconds) {}

  /** Mean wall time of the steps after the first (the first builds the gradient graph). */
  public double secondsPerStep() {
    if (history.size() < 2) {
      return history.isEmpty() ? Double.NaN : history.get(0).seconds();
    }
    return history.stream().skip(1).mapToDouble(Step::seconds).average().orElse(Double.NaN);
  }
}
