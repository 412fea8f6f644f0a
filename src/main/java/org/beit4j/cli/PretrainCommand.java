package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.config.VitConfig;
import org.beit4j.pipeline.DataSource;
import org.beit4j.pipeline.PretrainStage;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.train.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j pretrain}: the flags of {@link PretrainStage}. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Masked image modelling (BEiT v2 stage 2) against a saved tokenizer (VQ-KD or pixel"
          + " k-means, told by its files). Writes metrics.csv, checkpoint-*/, final/ and"
          + " backbone/backbone.sd into --out; --resume continues the newest checkpoint there.",
      "Example: bin/beit4j pretrain --tokenizer runs/x/tokenizer --out runs/x/pretrain"
    })
final class PretrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--tokenizer",
      defaultValue = "runs/tokenizer",
      paramLabel = "DIR",
      description = "A tokenizer made by `bin/beit4j tokenizer` (default ${DEFAULT-VALUE}).")
  Path tokenizer;

  @Option(
      names = "--vit",
      defaultValue = "mnist",
      paramLabel = "NAME",
      converter = PresetConverters.Vit.class,
      completionCandidates = PresetConverters.Vit.class,
      description =
          "Backbone preset: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: 28x28x1, patch 4,"
              + " D 192, 6 blocks).")
  VitConfig vit;

  @Option(names = "--depth", defaultValue = "0", description = "Blocks (default 0 = the preset's).")
  int depth;

  @Option(
      names = "--width",
      defaultValue = "0",
      description = "Token width D (default 0 = the preset's).")
  int width;

  @Option(
      names = "--heads",
      defaultValue = "0",
      description = "Attention heads, must divide D (default 0 = the preset's).")
  int heads;

  @Option(
      names = "--steps",
      defaultValue = "1000",
      description = "Optimiser steps of the whole run (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Images per step (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--cls-head",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Train the [CLS] pretraining branch (default on; --no-cls-head: off).")
  boolean clsHead;

  @Option(
      names = "--cls-head-layer",
      defaultValue = "0",
      paramLabel = "L",
      description =
          "Block (1-based) whose patch outputs feed the [CLS] branch (default 0 = 3/4 of the"
              + " depth, rounded); warns when L + 2 is not below the depth: the branch must be"
              + " shallower than the backbone for the [CLS] to be a bottleneck.")
  int clsHeadLayer;

  @Option(
      names = "--lr",
      defaultValue = "0",
      description = "Peak learning rate (default 0 = 1.5e-3 with warm-up and cosine decay).")
  double lr;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "100",
      description = "Steps between checkpoints, 0 = only the final one (default ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--data",
      defaultValue = DataSource.FASHION_MNIST,
      paramLabel = "fashion-mnist|DIR",
      description = "Training images: fashion-mnist or a folder DIR/train/<class>/<image>.")
  String data;

  @Option(
      names = "--augment",
      description = "Random resized crops (scale 0.08-1) and flips (default: plain images).")
  boolean augment;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds weights, masks and batch order (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      defaultValue = "runs/pretrain",
      paramLabel = "DIR",
      description = "The run directory (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--resume",
      description =
          "Continue the newest checkpoint in --out; refused if it was made with other settings.")
  boolean resume;

  @Mixin ReplicasOption replicas;

  /** The stage's options; invalid values are usage errors. */
  PretrainStage.Options options() {
    try {
      // heads 1 first, so that a new width and head count are checked together, not in between
      VitConfig v =
          vit.withHeads(1)
              .withWidth(width == 0 ? vit.width() : width)
              .withHeads(heads == 0 ? vit.heads() : heads)
              .withDepth(depth == 0 ? vit.depth() : depth);
      RunConfig run =
          PretrainConfig.defaultRun(steps, batch)
              .withCheckpointEvery(checkpointEvery)
              .withSeed(seed);
      if (lr != 0) {
        run = run.withSchedule(s -> s.withLearningRate(lr));
      }
      return new PretrainStage.Options(
          tokenizer, v, clsHead, clsHeadLayer, run, data, augment, out, resume);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    PretrainStage.Result r = PretrainStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    String last = "";
    if (!r.history().isEmpty()) {
      StepMetrics m = r.history().get(r.history().size() - 1);
      last =
          String.format(
              Locale.ROOT, ", last loss %.4f, masked-token accuracy %.3f", m.loss(), m.mimAcc());
    }
    o.printf(
        Locale.ROOT,
        "pretrain: step %d of %d (%d this run%s); backbone in %s (%.0f s)%n",
        r.stepsDone(),
        steps,
        r.history().size(),
        last,
        r.backbone(),
        r.seconds());
    o.flush();
    return 0;
  }
}
