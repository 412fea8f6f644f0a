package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.beit4j.pipeline.DemoBudget;
import org.beit4j.pipeline.DemoStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/beit4j demo}: the flags of {@link DemoStage}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the whole BEiT v2 pipeline on Fashion-MNIST: teacher -> VQ-KD tokenizer (and the"
          + " pixel k-means baseline) -> masked image modelling against each -> linear probe and"
          + " k-NN of pixels, a random ViT, the teacher and both backbones -> report.",
      "Writes runs/<timestamp>/ (or --out): the artefacts of every stage, eval/results.md and"
          + " report/report.md with its pictures.",
      "Example: bin/beit4j demo            (the ~20-minute preset 'quick')",
      "         bin/beit4j demo --preset full --out runs/full   (hours; --resume continues it)"
    })
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Option(
      names = "--preset",
      defaultValue = "quick",
      paramLabel = "NAME",
      converter = PresetConverters.Demo.class,
      completionCandidates = PresetConverters.Demo.class,
      description =
          "Budget: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: about 20-25 minutes on 2 cores; full: hours, the paper's"
              + " comparison at a larger scale; test: seconds, for checking the wiring).")
  DemoBudget preset;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "The run directory (default runs/<yyyyMMdd-HHmmss>).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds every stage (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--resume",
      description =
          "Complete the run in --out: keep its finished stages, continue its pretraining.")
  boolean resume;

  @Option(
      names = "--sequential",
      description =
          "Run every stage on this thread, one after another (default: the pixel-token baseline"
              + " runs alongside on a second thread when the machine has two or more cores).")
  boolean sequential;

  @Mixin ReplicasOption replicas;

  DemoStage.Options options() {
    try {
      if (resume && out == null) {
        throw new IllegalArgumentException("--resume needs --out DIR, the run to complete");
      }
      Path dir =
          out != null
              ? out
              : Path.of(
                  "runs",
                  LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      boolean parallel = !sequential && Runtime.getRuntime().availableProcessors() >= 2;
      return new DemoStage.Options(preset, dir, seed, resume, parallel);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  @Override
  public Integer call() {
    DemoStage.Result r = DemoStage.run(options());
    PrintWriter o = spec.commandLine().getOut();
    o.println();
    o.println(r.table().toMarkdown());
    double total = r.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
    o.printf(Locale.ROOT, "stages (s): %s; total %.0f s%n", r.seconds(), total);
    o.printf("report: %s%n", r.report());
    o.flush();
    return 0;
  }
}
