package org.beit4j.cli;

import java.util.concurrent.Callable;
import org.beit4j.bench.GemmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/beit4j bench}: prints this host's speed table. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Median ms per forward and per training step of named ViT configs, and GEMM GFLOP/s.")
final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--gemm-size",
      defaultValue = "1024",
      description = "GEMM side (default ${DEFAULT-VALUE}).")
  int gemmSize;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per figure (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed warm-up runs (default ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() {
    System.out.printf(
        "host: %d cores, OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"));
    double gflops = GemmBenchmark.gflops(gemmSize, warmup, runs);
    System.out.printf("GEMM %d^3 float: %.1f GFLOP/s (median of %d)%n", gemmSize, gflops, runs);
    return 0;
  }
}
