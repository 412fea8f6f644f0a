package org.beit4j.cli;

import org.beit4j.tokenizer.VqKdConfig;
import picocli.CommandLine.Option;

/**
 * The VQ-KD run flags shared by {@code bin/beit4j tokenizer} and the Spark tokenizer job ({@code
 * --steps}, {@code --batch}, {@code --lr}, {@code --codebook-size}; 0 keeps the preset's value), as
 * a picocli mixin: {@code @Mixin VqKdRunOptions run;}.
 */
public final class VqKdRunOptions {

  @Option(
      names = "--steps",
      defaultValue = "0",
      description = "VQ-KD training steps (default 0 = the preset's).")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "0",
      description = "VQ-KD images per step (default 0 = the preset's).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0",
      description = "VQ-KD peak learning rate (default 0 = the preset's, 1e-3 for fashion-mnist).")
  double learningRate;

  @Option(
      names = "--codebook-size",
      defaultValue = "0",
      description = "Number of codes (default 0 = the preset's).")
  int codebookSize;

  /** {@code c} with every flag that was given (non-zero) applied. */
  public VqKdConfig apply(VqKdConfig c) {
    VqKdConfig out = c;
    if (steps != 0) {
      out = out.withRun(r -> r.withSteps(steps));
    }
    if (batch != 0) {
      out = out.withRun(r -> r.withBatchSize(batch));
    }
    if (learningRate != 0) {
      out = out.withLearningRate(learningRate);
    }
    if (codebookSize != 0) {
      out = out.withQuantizer(out.quantizer().withCodebookSize(codebookSize));
    }
    return out;
  }
}
