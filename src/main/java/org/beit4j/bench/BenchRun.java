package org.beit4j.bench;

import java.util.List;

/**
 * A whole {@code bin/beit4j bench} run: the host, the settings, the GEMM figure and every stage.
 *
 * @param cores processors the JVM sees
 * @param opsThreads libnd4j's thread count during the run
 * @param blasThreads OpenBLAS's thread count during the run
 * @param replicas the JVM's default replica count during the run (stages that use replicas and
 *     whose config says 0 take it)
 * @param environment {@code OMP_NUM_THREADS=.., OPENBLAS_CORETYPE=.., java ..}
 * @param gemmSize side of the square GEMM
 * @param gemmGflops median GEMM GFLOP/s
 * @param results one per stage, in the order run
 * @param totalSeconds wall time of the whole run, GEMM and graph building included
 */
public record BenchRun(
    int cores,
    int opsThreads,
    int blasThreads,
    int replicas,
    String environment,
    int gemmSize,
    double gemmGflops,
    List<BenchResult> results,
    double totalSeconds) {

  /** Copies the list. */
  public BenchRun {
    results = List.copyOf(results);
  }

  /** What the host and the environment were, for the report's header. */
  public static String describeEnvironment() {
    return "OMP_NUM_THREADS="
        + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")
        + ", OPENBLAS_CORETYPE="
        + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset")
        + ", java "
        + System.getProperty("java.version");
  }
}
