package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.AdamW;
import org.beit4j.train.Optimizer;
import org.beit4j.train.Replicas;
import org.beit4j.train.Schedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step with {@code K} graph replicas against one graph ({@link Replicas}), timed in
 * turns in one process (A, B, A, B, ...) so that load from other processes hits both alike: the MIM
 * + [CLS] pretraining step and the classifier (fine-tuning) step. Run by {@code main}: {@code
 * ReplicaBenchmark ROUNDS STEPS K1 K2 ...}.
 */
public final class ReplicaBenchmark {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ReplicaBenchmark.class);

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
    List<Runnable> stepOf = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    for (int k : counts) {
      Pretrainer t = Pretrainer.create(config.withRun(r -> r.withReplicas(k)), tokens, null);
      stepOf.add(() -> t.step(batch));
      open.add(t.replicas());
    }
    return alternate(name, b, counts, stepOf, open, warmup, rounds, steps);
  }

  /**
   * The same for a ViT classifier's training step as fine-tuning takes it: each replica's {@code
   * fit} pass on its rows ({@link GradientGraph}), the combined gradient, one {@link AdamW} step.
   */
  public static Result classifier(
      String name, VitConfig vit, int batch, int[] counts, int warmup, int rounds, int steps) {
    int classes = 10;
    INDArray images =
        Nd4j.rand(DataType.FLOAT, batch, vit.channels(), vit.imageSize(), vit.imageSize());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes);
    for (int i = 0; i < batch; i++) {
      labels.putScalar(i, i % classes, 1f);
    }
    List<Runnable> stepOf = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    for (int k : counts) {
      Replicas<GradientGraph> graphs =
          Replicas.create(
              k,
              r -> {
                VisionTransformer m =
                    VisionTransformer.build(vit, 1L, classes).configureTraining(1e-4);
                return new GradientGraph(
                    m.sameDiff(),
                    List.of(VisionTransformer.IMAGES),
                    List.of(VisionTransformer.LABELS),
                    Set.of());
              },
              GradientGraph::parameters);
      AdamW adam =
          AdamW.of(Optimizer.beit(), new Schedule(1e-4, 1e-6, 0, 100_000), AdamW::beitDecay);
      stepOf.add(
          () ->
              graphs.step(
                  adam,
                  Replicas.split(
                      batch,
                      k,
                      r -> new MultiDataSet(Replicas.rows(images, r), Replicas.rows(labels, r))),
                  (g, s) -> g.pass(s, s.getFeatures(0).size(0))));
      open.add(graphs);
    }
    return alternate(name, batch, counts, stepOf, open, warmup, rounds, steps);
  }

  private static Result alternate(
      String name,
      int batch,
      int[] counts,
      List<Runnable> stepOf,
      List<AutoCloseable> open,
      int warmup,
      int rounds,
      int steps) {
    for (Runnable step : stepOf) {
      for (int i = 0; i < warmup; i++) {
        step.run();
      }
    }
    List<List<Double>> ms = new ArrayList<>();
    stepOf.forEach(t -> ms.add(new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < stepOf.size(); i++) {
        for (int s = 0; s < steps; s++) {
          long t0 = System.nanoTime();
          stepOf.get(i).run();
          ms.get(i).add((System.nanoTime() - t0) / 1e6);
        }
      }
    }
    List<Integer> ks = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      ks.add(counts[i]);
      medians.add(Stopwatch.median(ms.get(i).stream().mapToDouble(Double::doubleValue).toArray()));
      try {
        open.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return new Result(name, batch, ks, medians);
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

  /** Prints the MIM (ViT 32/4 D192 L6, 8192 codes) and classifier (ViT 28/4 D192 L6) figures. */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int[] counts =
        args.length > 2
            ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 2};
    log.info(
        "cores {}, OMP threads {}",
        Runtime.getRuntime().availableProcessors(),
        Nd4j.getEnvironment().maxThreads());
    report(
        classifier("classifier ViT 28/4 D192 L6", VitConfig.mnist(), 64, counts, 2, rounds, steps));
    report(
        pretrain(
            "MIM + [CLS] ViT 32/4 D192 L6, 8192 codes",
            MimBench.large().config(),
            counts,
            2,
            rounds,
            steps));
  }

  private static void report(Result r) {
    for (int i = 0; i < r.counts().size(); i++) {
      log.info(
          String.format(
              java.util.Locale.ROOT,
              "%s, batch %d, K=%d: %.0f ms/step, %.1f img/s",
              r.name(),
              r.batch(),
              r.counts().get(i),
              r.stepMillis().get(i),
              r.imagesPerSecond(i)));
    }
  }
}
