package org.beit4j.pretrain;

import java.util.List;

/**
 * What one pretraining step reports; losses and accuracies are those of the batch before the
 * update. Without the [CLS] branch {@code clsLoss} and {@code clsAcc} are NaN.
 *
 * @param step 1-based index of the step just done
 * @param learningRate the rate used
 * @param loss {@code L_MIM + L_CLS}
 * @param gradNorm global gradient norm before clipping
 * @param imagesPerSecond batch size over wall time of the step (tokenizer included)
 */
public record StepMetrics(
    long step,
    double learningRate,
    double loss,
    double mimLoss,
    double clsLoss,
    double mimAcc,
    double clsAcc,
    double gradNorm,
    double imagesPerSecond) {

  /** The CSV header, in the order of {@link #values()} after the step. */
  public static final List<String> HEADER =
      List.of(
          "step", "lr", "loss", "mimLoss", "clsLoss", "mimAcc", "clsAcc", "gradNorm", "imgPerSec");

  /** Every value but the step, in {@link #HEADER} order. */
  public double[] values() {
    return new double[] {
      learningRate, loss, mimLoss, clsLoss, mimAcc, clsAcc, gradNorm, imagesPerSecond
    };
  }
}
