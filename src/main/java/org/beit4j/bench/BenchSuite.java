package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.beit4j.Beit4j;
import org.beit4j.train.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages {@code bin/beit4j bench} times, and the run over them. */
public final class BenchSuite {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(BenchSuite.class);
  private static final int GEMM_WARMUP = 2;
  private static final int GEMM_RUNS = 5;

  /**
   * How to run.
   *
   * @param threads native threads (libnd4j and OpenBLAS), 0 = leave them as the environment set
   *     them ({@code OMP_NUM_THREADS})
   * @param replicas graph replicas per training step for the stages that use {@link Replicas}
   *     (teacher, MIM, fine-tuning), 0 = the host's default ({@link Replicas#defaultCount()}); set
   *     as the JVM's default, as the CLI's {@code --replicas} does
   * @param warmup untimed steps per stage, -1 = each stage's default
   * @param runs timed steps per stage, -1 = each stage's default
   * @param gemmSize side of the square GEMM the MFU is taken against
   */
  public record Settings(int threads, int replicas, int warmup, int runs, int gemmSize) {

    /** Validates every field. */
    public Settings {
      if (threads < 0) {
        throw new IllegalArgumentException(
            "threads must be >= 0 (0 = environment), got " + threads);
      }
      if (replicas < 0) {
        throw new IllegalArgumentException(
            "replicas must be >= 0 (0 = the host's default), got " + replicas);
      }
      if (warmup < -1 || runs == 0 || runs < -1) {
        throw new IllegalArgumentException(
            "warmup must be >= 0 and runs >= 1 (-1 = the stage's default), got warmup "
                + warmup
                + ", runs "
                + runs);
      }
      if (gemmSize < 1) {
        throw new IllegalArgumentException("gemmSize must be >= 1, got " + gemmSize);
      }
    }

    /** Each stage's own warm-up and runs, GEMM 1024, the environment's threads and replicas. */
    public static Settings defaults() {
      return new Settings(0, 0, -1, -1, 1024);
    }
  }

  private BenchSuite() {}

  /** Every stage, in the order of the pipeline. */
  public static List<StageBench> stages() {
    return List.of(
        ClassifierBench.mnist(),
        ClassifierBench.tiny(),
        TeacherBench.demo(),
        TokenizerBench.demo(),
        MimBench.demo(),
        MimBench.large(),
        FeatureBench.demo(),
        FineTuneBench.demo());
  }

  /** The names {@link #select} accepts. */
  public static List<String> names() {
    return stages().stream().map(StageBench::name).toList();
  }

  /**
   * The stages called {@code names}, in the suite's order; all of them for an empty list.
   *
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static List<StageBench> select(List<String> names) {
    List<String> valid = names();
    for (String n : names) {
      if (!valid.contains(n)) {
        throw new IllegalArgumentException(
            "unknown stage '" + n + "'; valid stages: " + String.join(", ", valid));
      }
    }
    return stages().stream().filter(s -> names.isEmpty() || names.contains(s.name())).toList();
  }

  /**
   * Sets the threads and replicas, measures GEMM, then times each stage with its memory sampled,
   * each after a GEMM of its own (the denominator of its MFU).
   *
   * @param onResult called after each stage (e.g. to print its row at once)
   */
  public static BenchRun run(
      List<StageBench> stages, Settings settings, Consumer<BenchResult> onResult) {
    long t0 = System.nanoTime();
    if (settings.threads() > 0) {
      NativeThreads.set(settings.threads());
    }
    if (settings.replicas() > 0) {
      Replicas.setDefaultCount(settings.replicas());
    }
    double gemm = GemmBenchmark.gflops(settings.gemmSize(), GEMM_WARMUP, GEMM_RUNS);
    log.info("GEMM {}^3: {} GFLOP/s", settings.gemmSize(), String.format("%.1f", gemm));
    List<BenchResult> results = new ArrayList<>();
    for (StageBench s : stages) {
      int warmup = s.warmupFor(settings.warmup() >= 0 ? settings.warmup() : s.defaultWarmup());
      int runs = settings.runs() > 0 ? settings.runs() : s.defaultRuns();
      System.gc(); // frees the previous stage's arrays, so each stage's peaks are its own
      // the stage's MFU is taken against a GEMM measured right before it: on a shared machine the
      // speed drifts within a run
      double stageGemm = GemmBenchmark.gflops(settings.gemmSize(), GEMM_WARMUP, GEMM_RUNS);
      double[] ms;
      MemorySampler.Peaks peaks;
      try (MemorySampler memory = MemorySampler.start()) {
        ms = s.stepMillis(warmup, runs);
        peaks = memory.peaks();
      }
      BenchResult r =
          new BenchResult(
              s.name(),
              s.description(),
              s.batch(),
              s.replicas(),
              warmup,
              ms,
              s.flopsPerStep(),
              stageGemm,
              peaks);
      results.add(r);
      onResult.accept(r);
    }
    return new BenchRun(
        Runtime.getRuntime().availableProcessors(),
        NativeThreads.ops(),
        NativeThreads.blas(),
        Replicas.defaultCount(),
        BenchRun.describeEnvironment(),
        settings.gemmSize(),
        gemm,
        results,
        (System.nanoTime() - t0) / 1e9);
  }
}
