package org.beit4j.bench;

import java.util.Locale;
import java.util.StringJoiner;

/** A bench run as a Markdown table (row by row, as stages finish) or as one JSON object. */
public final class BenchReport {

  private static final double MIB = 1024.0 * 1024.0;

  private BenchReport() {}

  /** The table's header and alignment lines. */
  public static String tableHeader() {
    return "| stage | step | batch | replicas | ms/step | img/s | GFLOP/step | GFLOP/s | GEMM GFLOP/s | MFU"
        + " | peak heap MiB | peak off-heap MiB | peak RSS MiB |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  }

  /** One stage's row. */
  public static String row(BenchResult r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %d | %.0f | %.1f | %.2f | %.1f | %.1f | %.1f%% | %.0f | %.0f | %.0f |%n",
        r.name(),
        r.description(),
        r.batch(),
        r.replicas(),
        r.medianMillis(),
        r.imagesPerSecond(),
        r.flopsPerStep() / 1e9,
        r.achievedGflops(),
        r.gemmGflops(),
        100 * r.mfu(),
        r.memory().heap() / MIB,
        r.memory().offHeap() / MIB,
        r.memory().resident() / MIB);
  }

  /** The lines under the table: GEMM, threads, replicas, environment, how and how long. */
  public static String summary(BenchRun run) {
    StringJoiner counts = new StringJoiner(", ");
    run.results().forEach(r -> counts.add(r.name() + " " + r.warmup() + "/" + r.runs()));
    return String.format(
        Locale.ROOT,
        "GEMM %d^3 float at the start: %.1f GFLOP/s (median of 5; each stage's MFU divides by the"
            + " GEMM measured right before it)%n"
            + "host: %d cores; threads: %d (libnd4j ops), %d (OpenBLAS); default replicas: %d; %s%n"
            + "ms/step: median of the timed steps after warm-up (warm-up/timed: %s); FLOPs"
            + " counted from the config (docs/performance.md)%n"
            + "total: %.0f s%n",
        run.gemmSize(),
        run.gemmGflops(),
        run.cores(),
        run.opsThreads(),
        run.blasThreads(),
        run.replicas(),
        run.environment(),
        counts,
        run.totalSeconds());
  }

  /** The whole run as Markdown: table, then summary. */
  public static String markdown(BenchRun run) {
    StringBuilder s = new StringBuilder(tableHeader());
    run.results().forEach(r -> s.append(row(r)));
    return s.append('\n').append(summary(run)).toString();
  }

  /** The whole run as one JSON object (bytes for memory, milliseconds for every timed step). */
  public static String json(BenchRun run) {
    StringJoiner stages = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
    for (BenchResult r : run.results()) {
      StringJoiner steps = new StringJoiner(", ", "[", "]");
      for (double ms : r.stepMillis()) {
        steps.add(number(ms));
      }
      stages.add(
          "{\"stage\": "
              + quote(r.name())
              + ", \"step\": "
              + quote(r.description())
              + ", \"batch\": "
              + r.batch()
              + ", \"replicas\": "
              + r.replicas()
              + ", \"warmup\": "
              + r.warmup()
              + ", \"runs\": "
              + r.runs()
              + ", \"msPerStep\": "
              + number(r.medianMillis())
              + ", \"stepMillis\": "
              + steps
              + ", \"imagesPerSecond\": "
              + number(r.imagesPerSecond())
              + ", \"gflopPerStep\": "
              + number(r.flopsPerStep() / 1e9)
              + ", \"gflops\": "
              + number(r.achievedGflops())
              + ", \"gemmGflops\": "
              + number(r.gemmGflops())
              + ", \"mfu\": "
              + number(r.mfu())
              + ", \"peakHeapBytes\": "
              + r.memory().heap()
              + ", \"peakOffHeapBytes\": "
              + r.memory().offHeap()
              + ", \"peakResidentBytes\": "
              + r.memory().resident()
              + "}");
    }
    return "{\n  \"cores\": "
        + run.cores()
        + ",\n  \"opsThreads\": "
        + run.opsThreads()
        + ",\n  \"blasThreads\": "
        + run.blasThreads()
        + ",\n  \"replicas\": "
        + run.replicas()
        + ",\n  \"environment\": "
        + quote(run.environment())
        + ",\n  \"gemmSize\": "
        + run.gemmSize()
        + ",\n  \"gemmGflops\": "
        + number(run.gemmGflops())
        + ",\n  \"totalSeconds\": "
        + number(run.totalSeconds())
        + ",\n  \"stages\": "
        + stages
        + "\n}\n";
  }

  /** A JSON number; NaN and infinities, which JSON lacks, become null. */
  static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
  }

  /** A JSON string with quotes, backslashes and control characters escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
