package org.beit4j.spark;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.beit4j.cli.VqKdRunOptions;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/beit4j-spark tokenizer}: turns flags into a {@link SparkTokenizerJob} and runs it
 * ({@link SparkTokenizer}). The flags and defaults follow {@code bin/beit4j tokenizer} for a CNN
 * teacher.
 */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "VQ-KD tokenizer training as a Spark job: the teacher's patch features and every shard's"
          + " gradients are computed on the executors; the driver takes one AdamW step and one"
          + " codebook update per step.",
      "Example: bin/beit4j-spark tokenizer --teacher runs/x/teacher --data runs/photos"
          + " --out runs/photos/spark-tokenizer (docs/scale-out.md)."
    })
final class SparkTokenizerCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin SparkOptions cluster;

  @Option(
      names = "--teacher",
      required = true,
      description = "A CNN teacher directory (bin/beit4j teacher), a path or Hadoop URI.")
  String teacher;

  @Option(
      names = "--teacher-norm",
      description = "Standardise the teacher's features per token (as bin/beit4j tokenizer).")
  boolean teacherNorm;

  @Option(
      names = "--out",
      defaultValue = "runs/spark-tokenizer",
      description =
          "Tokenizer directory to write, a path or Hadoop URI (default ${DEFAULT-VALUE}).")
  String out;

  @Option(
      names = "--preset",
      defaultValue = "fashion-mnist",
      description = "Tokenizer preset: fashion-mnist, test or paper (default ${DEFAULT-VALUE}).")
  String preset;

  @Mixin VqKdRunOptions run;

  /** The job the flags describe; bad values are usage errors. */
  SparkTokenizerJob job() {
    try {
      VqKdConfig c =
          run.apply(VqKdConfig.PRESETS.get(preset).withRun(r -> r.withSeed(cluster.seed)));
      // at least four rows of history, as bin/beit4j tokenizer keeps
      int logEvery = Math.min(c.run().logEvery(), Math.max(1, c.steps() / 4));
      c = c.withRun(r -> r.withLogEvery(logEvery));
      return new SparkTokenizerJob(
          c, cluster.data, teacher, teacherNorm, out, cluster.workers, cluster.treeFrom);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    SparkTokenizerJob job = job();
    SparkTokenizer.Result r;
    try (JavaSparkContext sc = new JavaSparkContext(cluster.sparkConf("beit4j-spark tokenizer"))) {
      r = SparkTokenizer.run(sc, job);
    }
    List<VqKdTokenizer.StepLog> logs = r.tokenizer().history();
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "spark tokenizer: %d steps, %s; median step %.3f s (longest task %.3f s), %d values"
            + " (%.1f MB moved per step with %d workers); saved to %s%n",
        r.stepSeconds().length,
        logs.isEmpty() ? "no logs" : logs.get(logs.size() - 1),
        SparkMain.median(r.stepSeconds()),
        SparkMain.median(r.taskSeconds()),
        r.parameters(),
        2.0 * 4 * r.parameters() * cluster.workers / 1e6,
        cluster.workers,
        out);
    o.flush();
    return 0;
  }
}
