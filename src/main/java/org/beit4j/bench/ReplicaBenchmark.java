package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.tokenizer.VisualTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MIM + [CLS] pretraining step with {@code K} graph replicas against one graph, timed in turns
 * in one process (A, B, A, B, ...) so that load from other processes hits both alike.
 */
public final class ReplicaBenchmark {

  /** Median milliseconds per step of each replica count, in the order asked for. */
  public record Result(String name, int batch, List<Integer> counts, List<Double> stepMillis) {
    public double imagesPerSecond(int i) {
      return batch * 1000.0 / stepMillis.get(i);
    }
  }

  private ReplicaBenchmark() {}

  /**
   * Times {@link Pretrainer#step} of a pretraining config for every replica count: after {@code
   * warmup} untimed steps each, {@code rounds} rounds in which every count runs {@code steps}
   * steps; the result is each count's median over all its timed steps.
   */
  public static Result pretrain(
      String name, PretrainConfig config, int[] counts, int warmup, int rounds, int steps) {
    VitConfig vit = config.vit();
    int b = config.run().batchSize();
    INDArray images =
        Nd4j.rand(DataType.FLOAT, b, vit.channels(), vit.imageSize(), vit.imageSize());
    MultiDataSet batch = new MultiDataSet(new INDArray[] {images}, new INDArray[0]);
    VisualTokenizer tokens = randomTokens(config.codebookSize(), vit.gridSize());
    List<Pretrainer> trainers = new ArrayList<>();
    for (int k : counts) {
      Pretrainer t = Pretrainer.create(config.withRun(r -> r.withReplicas(k)), tokens, null);
      for (int i = 0; i < warmup; i++) {
        t.step(batch);
      }
      trainers.add(t);
    }
    List<List<Double>> ms = new ArrayList<>();
    trainers.forEach(t -> ms.add(new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < trainers.size(); i++) {
        for (int s = 0; s < steps; s++) {
          long t0 = System.nanoTime();
          trainers.get(i).step(batch);
          ms.get(i).add((System.nanoTime() - t0) / 1e6);
        }
      }
    }
    List<Integer> ks = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      ks.add(counts[i]);
      medians.add(Stopwatch.median(ms.get(i).stream().mapToDouble(Double::doubleValue).toArray()));
      trainers.get(i).replicas().close();
    }
    return new Result(name, b, ks, medians);
  }

  /** A tokenizer that answers fixed random codes (the benchmark times the graph, not tokens). */
  private static VisualTokenizer randomTokens(int codebookSize, int grid) {
    return new VisualTokenizer() {
      @Override
      public int[][] tokenize(INDArray images) {
        Random r = new Random(1);
        int[][] codes = new int[(int) images.size(0)][grid * grid];
        for (int[] row : codes) {
          for (int i = 0; i < row.length; i++) {
            row[i] = r.nextInt(codebookSize);
          }
        }
        return codes;
      }

      @Override
      public int codebookSize() {
        return codebookSize;
      }

      @Override
      public int gridSize() {
        return grid;
      }

      @Override
      public String id() {
        return "random:" + codebookSize;
      }
    };
  }
}
