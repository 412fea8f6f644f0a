package org.beit4j.spark;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.beit4j.config.VitConfig;
import org.beit4j.pipeline.Artefacts;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.train.Schedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/beit4j-spark}, also the main class for {@code spark-submit}: turns flags into a {@link
 * SparkPretrainJob} and runs it ({@link SparkPretrainer}). The flags and defaults follow {@code
 * bin/beit4j pretrain}.
 */
@Command(
    name = "beit4j-spark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = SparkTokenizerCommand.class,
    description = {
      "BEiT v2 MIM + [CLS] pretraining as a Spark job: every step's batch is split over"
          + " --workers tasks whose gradients the driver combines into one AdamW step."
          + " `beit4j-spark tokenizer` trains the VQ-KD tokenizer the same way.",
      "Example: bin/beit4j-spark --data runs/photos --tokenizer runs/photos/tokenizer"
          + " --out runs/photos/spark-pretrain (docs/scale-out.md).",
      "On a cluster: spark-submit ... --class org.beit4j.spark.SparkMain with these flags;"
          + " bin/beit4j-spark --print-submit prints the whole line."
    })
public final class SparkMain implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin SparkOptions cluster;

  @Option(
      names = "--tokenizer",
      description =
          "A tokenizer directory (bin/beit4j tokenizer or beit4j-spark tokenizer), a path or"
              + " Hadoop URI (required).")
  String tokenizer;

  @Option(
      names = "--out",
      defaultValue = "runs/spark-pretrain",
      description = "Run directory, a path or Hadoop URI (default runs/spark-pretrain).")
  String out;

  @Option(
      names = "--vit",
      defaultValue = "mnist",
      description = "Backbone preset: ${COMPLETION-CANDIDATES} (default mnist).",
      completionCandidates = VitNames.class)
  String vit;

  @Option(names = "--steps", defaultValue = "1000", description = "Steps (default 1000).")
  int steps;

  @Option(names = "--batch", defaultValue = "64", description = "Images per step (default 64).")
  int batch;

  @Option(
      names = "--cls-head",
      defaultValue = "true",
      arity = "1",
      description = "Train the [CLS] branch (default true).")
  boolean clsHead;

  @Option(
      names = "--lr",
      defaultValue = "0",
      description = "Peak learning rate (default 0 = the recipe's).")
  double learningRate;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "100",
      description = "Steps between checkpoints (default 100).")
  int checkpointEvery;

  @Option(names = "--augment", description = "Random resized crops and flips.")
  boolean augment;

  @Option(names = "--resume", description = "Continue the newest checkpoint in --out.")
  boolean resume;

  @Option(
      names = "--sync-every",
      defaultValue = "1",
      description =
          "1 (default): one AdamW step on the combined gradients of every step (exact). N > 1:"
              + " each worker takes N AdamW steps of its own, then the driver averages parameters"
              + " and optimiser moments (parameter averaging: less traffic, not exact).")
  int syncEvery;

  /** The preset names, for the help text. */
  static final class VitNames extends java.util.ArrayList<String> {
    VitNames() {
      super(VitConfig.PRESETS.names());
    }
  }

  @Override
  public Integer call() {
    if (tokenizer == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--tokenizer'");
    }
    SparkConf conf = cluster.sparkConf("beit4j-spark pretrain");
    int codes =
        Artefacts.tokenizer(HadoopDirs.local(tokenizer, new org.apache.hadoop.conf.Configuration()))
            .codebookSize();
    PretrainConfig config =
        PretrainConfig.of(VitConfig.PRESETS.get(vit), codes, steps, batch)
            .withClsHead(clsHead)
            .withRun(r -> r.withCheckpointEvery(checkpointEvery).withSeed(cluster.seed));
    if (learningRate > 0) {
      config =
          config.withRun(
              r ->
                  r.withSchedule(
                      s ->
                          new Schedule(
                              learningRate,
                              Math.min(s.minLearningRate(), learningRate),
                              s.warmupSteps(),
                              s.totalSteps())));
    }
    SparkPretrainJob job =
        new SparkPretrainJob(
            config,
            cluster.data,
            tokenizer,
            out,
            augment,
            cluster.workers,
            resume,
            0,
            syncEvery,
            cluster.treeFrom);
    SparkPretrainer.Result r;
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      r = SparkPretrainer.run(sc, job);
    }
    PrintWriter o = spec.commandLine().getOut();
    StepMetrics last = r.history().isEmpty() ? null : r.history().get(r.history().size() - 1);
    double median = median(r.stepSeconds());
    double task = median(r.taskSeconds());
    o.printf(
        Locale.ROOT,
        "spark pretrain: step %d of %d (%d this job%s), median step %.3f s (longest task %.3f s),"
            + " %d parameters"
            + " (%.1f MB moved per step with %d workers); backbone in %s%n",
        r.stepsDone(),
        steps,
        r.history().size(),
        last == null
            ? ""
            : String.format(
                Locale.ROOT,
                ", last loss %.4f, masked-token accuracy %.3f",
                last.loss(),
                last.mimAcc()),
        median,
        task,
        r.parameters(),
        r.bytesPerStep(cluster.workers, syncEvery) / 1e6,
        cluster.workers,
        r.backbone());
    o.flush();
    return 0;
  }

  static double median(double[] x) {
    return x.length == 0 ? 0 : java.util.Arrays.stream(x).sorted().toArray()[x.length / 2];
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SparkMain()).execute(args));
  }
}
