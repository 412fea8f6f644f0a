package org.beit4j.bench;

import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Forward and training-step speed of a ViT classifier for named configurations. */
public final class VitBenchmark {

  /** A named configuration to time. */
  public record Case(String name, VitConfig config, int batch) {
    public Case {
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch + " for " + name);
      }
    }
  }

  /** Median timings of one case; images/s are derived from the medians. */
  public record Result(Case benchCase, long parameters, double forwardMillis, double stepMillis) {
    public double forwardImagesPerSecond() {
      return benchCase.batch() * 1000.0 / forwardMillis;
    }

    public double stepImagesPerSecond() {
      return benchCase.batch() * 1000.0 / stepMillis;
    }
  }

  private static final int CLASSES = 10;

  private VitBenchmark() {}

  /** The cases issue #2 asks for: a 28x28 Fashion-MNIST-sized ViT and ViT-Tiny at 224. */
  public static List<Case> defaultCases() {
    return List.of(
        new Case("vit-mnist 28/4 D192 L6", VitConfig.mnist(), 64),
        new Case("vit-tiny 224/16 D192 L12", VitConfig.tiny(), 8));
  }

  /** Times one case: {@code warmup} untimed then {@code runs} timed forwards and training steps. */
  public static Result run(Case c, int warmup, int runs) {
    VitConfig cfg = c.config();
    VisionTransformer vit = VisionTransformer.build(cfg, 1L, CLASSES).configureTraining(1e-4);
    INDArray images =
        Nd4j.rand(DataType.FLOAT, c.batch(), cfg.channels(), cfg.imageSize(), cfg.imageSize());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, c.batch(), CLASSES);
    for (int i = 0; i < c.batch(); i++) {
      labels.putScalar(i, i % CLASSES, 1f);
    }
    MultiDataSet batch = new MultiDataSet(images, labels);
    double forward = Stopwatch.medianMillis(warmup, runs, () -> vit.logits(images));
    double step = Stopwatch.medianMillis(warmup, runs, () -> vit.fit(batch));
    return new Result(c, vit.parameterCount(), forward, step);
  }
}
