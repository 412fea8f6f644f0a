package org.beit4j.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.bench.BenchReport;
import org.beit4j.bench.BenchRun;
import org.beit4j.bench.BenchSuite;
import org.beit4j.bench.GemmBenchmark;
import org.beit4j.bench.NativeThreads;
import org.beit4j.bench.StageBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j bench}: prints this host's per-stage speed table. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Times one step of every stage (classifier, CNN teacher, VQ-KD tokenizer, MIM pretraining"
          + " for the demo's model and for ViT 32/4 D192 L6 with 8192 codes, frozen features,"
          + " fine-tuning): median ms/step after warm-up, images/s, GFLOP/s counted from the"
          + " config, MFU against the GEMM measured in the same run, peak heap, off-heap and"
          + " resident memory. Markdown table, or JSON with --json.",
      "Example: bin/beit4j bench --stage mim-demo,mim-8192 --threads 1"
    })
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--stage",
      split = ",",
      paramLabel = "NAME",
      description = "Only these stages (comma-separated; default all): ${COMPLETION-CANDIDATES}.",
      completionCandidates = StageNames.class)
  List<String> stages = List.of();

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Native threads of ND4J's ops and OpenBLAS (default 0: as OMP_NUM_THREADS set them).")
  int threads;

  @Option(
      names = "--replicas",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Graph replicas per training step for the stages that use them (teacher, mim-demo,"
              + " mim-8192, fine-tune; the others run 1): default 0 = cores / OMP_NUM_THREADS.")
  int replicas;

  @Option(names = "--json", description = "Print one JSON object instead of the Markdown table.")
  boolean json;

  @Option(
      names = "--runs",
      defaultValue = "-1",
      description = "Timed steps per stage (default: each stage's own, 3-15).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "-1",
      description = "Untimed steps per stage before the timed ones (default: each stage's own).")
  int warmup;

  @Option(
      names = "--gemm-size",
      defaultValue = "1024",
      description = "GEMM side (default ${DEFAULT-VALUE}).")
  int gemmSize;

  @Option(names = "--gemm-only", description = "Only the GEMM figure (a few seconds).")
  boolean gemmOnly;

  /** The stage names for the help text. */
  static final class StageNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return BenchSuite.names().iterator();
    }
  }

  @Override
  public Integer call() {
    BenchSuite.Settings settings;
    List<StageBench> selected;
    try {
      settings = new BenchSuite.Settings(threads, replicas, warmup, runs, gemmSize);
      selected = BenchSuite.select(stages);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (gemmOnly) {
      if (threads > 0) {
        NativeThreads.set(threads);
      }
      double g = GemmBenchmark.gflops(gemmSize, 2, 5);
      out.printf(
          Locale.ROOT,
          "GEMM %d^3 float: %.1f GFLOP/s (median of 5, %d OpenBLAS threads)%n",
          gemmSize,
          g,
          NativeThreads.blas());
      out.flush();
      return 0;
    }
    if (!json) {
      out.print(BenchReport.tableHeader());
      out.flush();
    }
    BenchRun run =
        BenchSuite.run(
            selected,
            settings,
            r -> {
              if (!json) {
                out.print(BenchReport.row(r));
                out.flush();
              }
            });
    out.print(json ? BenchReport.json(run) : "\n" + BenchReport.summary(run));
    out.flush();
    return 0;
  }
}
