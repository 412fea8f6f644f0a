package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.eval.FineTuneConfig;
import org.beit4j.eval.FrozenEvalConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pipeline.DataSource;
import org.beit4j.pipeline.ProbeStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j probe}: the flags of {@link ProbeStage}. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Scores representations on one labelled split: linear probe and k-NN on frozen features"
          + " (and fine-tuning with --finetune-epochs). Writes results.csv and results.md to --out.",
      "Example: bin/beit4j probe --source pixels=pixels"
          + " --source beitv2=backbone:runs/x/pretrain/backbone"
          + " --source random=random:runs/x/pretrain/backbone --out runs/x/eval"
    })
final class ProbeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "NAME=KIND[:PATH]",
      description =
          "A row (repeatable): KIND pixels, random (a fresh ViT shaped like the backbone at PATH),"
              + " teacher (a CNN teacher directory), backbone (backbone.sd or its directory) or"
              + " tokens (a tokenizer directory: each image's histogram of codes).")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--data",
      defaultValue = DataSource.FASHION_MNIST,
      paramLabel = "fashion-mnist|DIR",
      description = "Labelled data with a train and a test split (default ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--pool",
      defaultValue = "mean",
      paramLabel = "cls|mean",
      description = "ViT features: the [CLS] token or the mean of the patch tokens (default mean).")
  VisionTransformer.Pool pool;

  @Option(
      names = "--train-limit",
      defaultValue = "10000",
      description = "Seeded subset of training images (default ${DEFAULT-VALUE}; 0 = all).")
  int trainLimit;

  @Option(
      names = "--test-limit",
      defaultValue = "2000",
      description = "Seeded subset of test images (default ${DEFAULT-VALUE}; 0 = all).")
  int testLimit;

  @Option(
      names = "--finetune-epochs",
      defaultValue = "0",
      description = "Also fine-tune every ViT row for this many epochs (default 0 = no).")
  int fineTuneEpochs;

  @Option(
      names = "--layer-decay",
      defaultValue = "0.75",
      description = "Layer-wise learning-rate decay of fine-tuning (default ${DEFAULT-VALUE}).")
  double layerDecay;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seeds the subsets, the probe and fine-tuning (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      defaultValue = "runs/eval",
      paramLabel = "DIR",
      description = "Where results.csv and results.md go (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--resume",
      description =
          "Keep the rows an interrupted run with the same sources and flags wrote to --out;"
              + " score only the others.")
  boolean resume;

  @Mixin ReplicasOption replicas;

  ProbeStage.Options options() {
    try {
      List<ProbeStage.Source> parsed = new ArrayList<>();
      for (String s : sources) {
        parsed.add(ProbeStage.Source.parse(s));
      }
      FineTuneConfig ft =
          fineTuneEpochs == 0
              ? null
              : FineTuneConfig.defaults()
                  .withEpochs(fineTuneEpochs)
                  .withLayerDecay(layerDecay)
                  .withPool(pool)
                  .withLimits(trainLimit, testLimit)
                  .withSeed(seed);
      FrozenEvalConfig frozen =
          FrozenEvalConfig.defaults().withLimits(trainLimit, testLimit).withSeed(seed);
      return new ProbeStage.Options(parsed, data, frozen, pool, ft, out, resume);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    ProbeStage.Result r = ProbeStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    o.println(r.table().toMarkdown());
    o.printf(Locale.ROOT, "written to %s (%.0f s)%n", r.dir(), r.seconds());
    o.flush();
    return 0;
  }
}
