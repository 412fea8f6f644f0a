package org.beit4j.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.bench.GemmBenchmark;
import org.beit4j.bench.VitBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/beit4j bench}: prints this host's speed table. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Median ms per forward and per training step of named ViT configs after warm-up, and the"
            + " host's float GEMM GFLOP/s, as a Markdown table.")
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

  @Option(names = "--gemm-only", description = "Only the GEMM figure (a few seconds).")
  boolean gemmOnly;

  @Override
  public Integer call() {
    System.out.printf(
        Locale.ROOT,
        "host: %d cores, OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"),
        System.getProperty("java.version"));
    double gflops = GemmBenchmark.gflops(gemmSize, warmup, runs);
    System.out.printf(
        Locale.ROOT, "GEMM %d^3 float: %.1f GFLOP/s (median of %d)%n%n", gemmSize, gflops, runs);
    if (gemmOnly) {
      return 0;
    }
    System.out.println(
        "| config | batch | params | forward ms | train step ms | forward img/s | train img/s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    List<VitBenchmark.Case> cases = VitBenchmark.defaultCases();
    for (VitBenchmark.Case c : cases) {
      VitBenchmark.Result r = VitBenchmark.run(c, warmup, runs);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.2fM | %.0f | %.0f | %.1f | %.1f |%n",
          c.name(),
          c.batch(),
          r.parameters() / 1e6,
          r.forwardMillis(),
          r.stepMillis(),
          r.forwardImagesPerSecond(),
          r.stepImagesPerSecond());
    }
    System.out.printf(Locale.ROOT, "(medians of %d runs after %d warm-up runs)%n", runs, warmup);
    return 0;
  }
}
