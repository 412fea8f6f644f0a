package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.train.Replicas;

/**
 * The VQ-KD tokenizer's training step as {@link VqKdTokenizer#train} runs it: the teacher's patch
 * features of the batch, the {@code fit} passes of its replicas (forward, backward), one Adam step
 * and the codebook's EMA update. The times are the trainer's own per-step figures ({@code logEvery
 * = 1}); the first {@code kmeansBatches} steps, whose teacher features were computed before the
 * clock started, are always warm-up. The teacher has the demo's shape but is trained for one step
 * only (its weights do not change the speed).
 */
public record TokenizerBench(String name, VqKdConfig config, CnnTeacherConfig teacher)
    implements StageBench {

  /**
   * The demo's tokenizer: {@link VqKdConfig#fashionMnist()} with 64 codes and the 96-wide teacher
   * of {@link CnnTeacherConfig#fashionMnist()}, batch 64.
   */
  public static TokenizerBench demo() {
    CnnTeacherConfig t = CnnTeacherConfig.fashionMnist();
    VqKdConfig c = VqKdConfig.fashionMnist().withTeacherDim(t.featureDim());
    c = c.withQuantizer(c.quantizer().withCodebookSize(64));
    return new TokenizerBench("tokenizer", c, t);
  }

  @Override
  public String description() {
    return String.format(
        "VQ-KD enc D%d L%d, %d codes x %d, dec D%d L%d, teacher features + fit + EMA",
        config.encoder().width(),
        config.encoder().depth(),
        config.quantizer().codebookSize(),
        config.quantizer().codeDim(),
        config.decoderWidth(),
        config.decoderDepth());
  }

  /** {@code config.run().replicas()}, or the JVM's default for 0 (what the trainer builds). */
  @Override
  public int replicas() {
    return Replicas.resolve(config.run().replicas());
  }

  @Override
  public int batch() {
    return config.run().batchSize();
  }

  @Override
  public double flopsPerStep() {
    return batch()
        * (FlopCount.TRAIN_FACTOR * FlopCount.vqKd(config) + FlopCount.cnnFeatures(teacher));
  }

  @Override
  public int warmupFor(int requested) {
    return Math.max(requested, config.kmeansBatches());
  }

  @Override
  public int defaultRuns() {
    return 9;
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    int skip = warmupFor(warmup);
    int steps = skip + runs;
    int c = config.encoder().channels();
    SyntheticImages data = BenchData.dataset(steps * batch(), c, config.encoder().imageSize());
    CnnTeacher t =
        CnnTeacher.train(
            teacher.withEpochs(1).withTrainLimit(teacher.batchSize()),
            data,
            BenchData.dataset(teacher.batchSize(), c, teacher.imageSize()));
    ImageBatchIterator it =
        ImageBatchIterator.of(
            data,
            TransformConfig.plain(config.encoder().imageSize(), c),
            LoaderConfig.of(batch()).withSeed(BenchData.SEED));
    List<Double> ms = new ArrayList<>();
    VqKdTokenizer.train(
        config.withRun(r -> r.withSteps(steps).withLogEvery(1)),
        t,
        it,
        "bench",
        null,
        log -> ms.add(log.msPerStep()));
    double[] all = ms.stream().mapToDouble(Double::doubleValue).toArray();
    return BenchData.afterWarmup(all, skip);
  }
}
