package org.beit4j.bench;

import org.beit4j.config.VitConfig;
import org.beit4j.pipeline.DemoBudget;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The MIM + [CLS] pretraining step, {@link Pretrainer#step}: block masks, the {@code fit} pass
 * (eqs. 3-5 and the [CLS] branch, forward and backward; on {@link #replicas()} graph replicas, each
 * on a share of the batch) and AdamW with clipping. The tokenizer is a stand-in that returns fixed
 * codes at no cost, so the VQ-KD encoder pass the real stage adds per batch is not in these times.
 */
public record MimBench(String name, String description, PretrainConfig config)
    implements StageBench {

  /** The demo's pretraining ({@link DemoBudget#quick()}): ViT 28/4 D96 L4, 64 codes, batch 64. */
  public static MimBench demo() {
    DemoBudget b = DemoBudget.quick();
    VitConfig vit = b.vit();
    PretrainConfig c = PretrainConfig.of(vit, b.codebookSize(), 1000, b.pretrain().batchSize());
    return new MimBench(
        "mim-demo",
        String.format(
            "MIM + [CLS], ViT 28/4 D%d L%d h%d, %d codes, Pretrainer.step",
            vit.width(), vit.depth(), vit.heads(), b.codebookSize()),
        c);
  }

  /** Issue 14's MIM case: ViT 32/4 D192 L6, codebook 8192, batch 64. */
  public static MimBench large() {
    VitConfig vit = VitConfig.mnist().withImageSize(32);
    return new MimBench(
        "mim-8192",
        "MIM + [CLS], ViT 32/4 D192 L6 h3, 8192 codes, Pretrainer.step",
        PretrainConfig.of(vit, 8192, 1000, 64));
  }

  @Override
  public int batch() {
    return config.run().batchSize();
  }

  /**
   * {@code config.run().replicas()}, or the JVM's default for 0 (what {@link Pretrainer} builds).
   */
  @Override
  public int replicas() {
    return Replicas.resolve(config.run().replicas());
  }

  @Override
  public double flopsPerStep() {
    return FlopCount.trainStep(FlopCount.mim(config), batch());
  }

  @Override
  public double[] stepMillis(int warmup, int runs) {
    VitConfig v = config.vit();
    Pretrainer trainer = Pretrainer.create(config, new FixedTokens(config), null);
    INDArray images = BenchData.images(batch(), v.channels(), v.imageSize());
    MultiDataSet data = new MultiDataSet(new INDArray[] {images}, new INDArray[0]);
    try (Replicas<?> threads = trainer.replicas()) {
      return Stopwatch.millis(warmup, runs, () -> trainer.step(data));
    }
  }

  /** Codes {@code (i * 7 + j) mod V} for image i, patch j: a tokenizer that costs nothing. */
  private record FixedTokens(PretrainConfig config) implements VisualTokenizer {
    @Override
    public int[][] tokenize(INDArray images) {
      int n = config.vit().numPatches();
      int[][] codes = new int[(int) images.size(0)][n];
      for (int i = 0; i < codes.length; i++) {
        for (int j = 0; j < n; j++) {
          codes[i][j] = (i * 7 + j) % config.codebookSize();
        }
      }
      return codes;
    }

    @Override
    public int codebookSize() {
      return config.codebookSize();
    }

    @Override
    public int gridSize() {
      return config.vit().gridSize();
    }

    @Override
    public String id() {
      return "bench:fixed-codes";
    }
  }
}
