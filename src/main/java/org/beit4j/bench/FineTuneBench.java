package org.beit4j.bench;

import org.beit4j.config.VitConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.eval.FineTune;
import org.beit4j.eval.FineTuneConfig;
import org.beit4j.eval.FineTuneResult;
import org.beit4j.eval.LabelledImages;
import org.beit4j.train.Replicas;

/**
 * Fine-tuning's step as {@link FineTune#run} times it: the batch gathered from the training set,
 * the {@code fit} pass (forward, backward) and AdamW with layer-wise rate decay, for the demo's
 * backbone shape with a new 10-class head ({@link FineTuneConfig#defaults()}, batch 64).
 */
public record FineTuneBench(String name, String description, VitConfig config, int batch)
    implements StageBench {

  /** The demo's backbone, ViT 28/4 D96 L4 h3, batch 64. */
  public static FineTuneBench demo() {
    return new FineTuneBench(
        "fine-tune",
        "fine-tuning, ViT 28/4 D96 L4 h3 + head, FineTune.run (AdamW, layer decay)",
        MimBench.demo().config().vit(),
        FineTuneConfig.defaults().batchSize());
  }

  /** The JVM's default, which the trainer takes. */
  @Override
  public int replicas() {
    return Replicas.defaultCount();
  }

  @Override
  public double flopsPerStep() {
    return FlopCount.trainStep(FlopCount.classifier(config, BenchData.CLASSES), batch);
  }

  @Override
  public int defaultRuns() {
    return 7;
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    int steps = warmup + runs;
    int s = config.imageSize();
    SyntheticImages train = BenchData.dataset(steps * batch, config.channels(), s);
    SyntheticImages test = BenchData.dataset(batch, config.channels(), s);
    FineTuneConfig ft =
        FineTuneConfig.defaults().withBatchSize(batch).withLimits(steps * batch, batch);
    FineTuneResult r =
        FineTune.fromScratch(config, BenchData.CLASSES, ft)
            .run(
                LabelledImages.load(train, 0, BenchData.SEED),
                LabelledImages.load(test, 0, BenchData.SEED));
    double[] all = r.history().stream().mapToDouble(st -> st.seconds() * 1000).toArray();
    return BenchData.afterWarmup(all, warmup);
  }
}
