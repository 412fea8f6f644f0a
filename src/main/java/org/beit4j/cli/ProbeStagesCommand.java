package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.eval.probe.StageProbeConfig;
import org.beit4j.pipeline.DataSource;
import org.beit4j.pipeline.StageProbeStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j probe-stages}: the flags of {@link StageProbeStage}. */
@Command(
    name = "probe-stages",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Stage-by-stage probes of a demo run folder (issue #17): linear probe and k-NN of the"
          + " teacher's features (raw, l2), the tokenizers' encoder output, decoder reconstruction,"
          + " code maps and bags, and each backbone at every layer ([CLS], mean, both), on one"
          + " split. Writes stages.csv, stages.md and stage-layers.png to RUN/eval/stages.",
      "Example: bin/beit4j probe-stages --run runs/20261203-1200 --preset quick"
    })
final class ProbeStagesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--run",
      required = true,
      paramLabel = "DIR",
      description = "The run folder written by bin/beit4j demo.")
  Path run;

  @Option(
      names = "--preset",
      defaultValue = "quick",
      paramLabel = "NAME",
      converter = PresetConverters.StageProbe.class,
      completionCandidates = PresetConverters.StageProbe.class,
      description =
          "Split: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: the quick demo's 5,000 /"
              + " 1,000 images; full: all 60,000 / 10,000; test: 128 / 64).")
  StageProbeConfig preset;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "Training images instead of the preset's (0 = all).")
  Integer trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description = "Test images instead of the preset's (0 = all).")
  Integer testLimit;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seeds the subsets and the probe (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--data",
      defaultValue = DataSource.FASHION_MNIST,
      paramLabel = "fashion-mnist|DIR",
      description = "Labelled data with a train and a test split (default ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the table and plot go (default RUN/eval/stages).")
  Path out;

  StageProbeStage.Options options() {
    try {
      StageProbeConfig c = preset.withSeed(seed);
      c =
          c.withLimits(
              trainLimit == null ? c.frozen().trainLimit() : trainLimit,
              testLimit == null ? c.frozen().testLimit() : testLimit);
      return new StageProbeStage.Options(run, data, c, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    StageProbeStage.Result r = StageProbeStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    o.println(r.table().toMarkdown());
    o.printf(Locale.ROOT, "written: %s (%.0f s)%n", r.files(), r.seconds());
    o.flush();
    return 0;
  }
}
