package org.beit4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.eval.probe.StageFeatures;
import org.beit4j.eval.probe.StageProbe;
import org.beit4j.eval.probe.StageProbeConfig;
import org.beit4j.eval.probe.StageSources;
import org.beit4j.eval.probe.StageTable;
import org.beit4j.io.RunLayout;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.report.RunReport;
import org.beit4j.teacher.CnnTeacher;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/beit4j probe-stages}: the stage-by-stage probes ({@link StageProbe}) of a demo run
 * folder. Reads the teacher, both tokenizers and both pretrained backbones that the folder holds
 * (through {@link RunLayout}), probes pixels and every representation of each on one split, and
 * writes {@link StageTable}'s files to {@code eval/stages/} (or {@code out}); a run that has a
 * report gets it rewritten, so that it shows the new table and plot.
 */
public final class StageProbeStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(StageProbeStage.class);

  /**
   * What to probe.
   *
   * @param run the run folder ({@code runs/<timestamp>} of {@code bin/beit4j demo})
   * @param data {@code fashion-mnist} or an image folder with {@code train/} and {@code test/}
   * @param config split, seed, probe and k-NN settings
   * @param out where the table and plot go; null = {@code run/eval/stages}
   */
  public record Options(Path run, String data, StageProbeConfig config, Path out) {

    /** Validates every field. */
    public Options {
      Checks.notNull("run", run);
      Checks.notBlank("data", data);
      Checks.notNull("config", config);
      out = out == null ? new RunLayout(run).stageProbe() : out;
    }
  }

  /** The table, the files written and the wall time. */
  public record Result(StageTable table, List<Path> files, double seconds) {}

  private StageProbeStage() {}

  /**
   * Loads what {@code o.run()} holds, probes it and writes the table and plot.
   *
   * @throws PipelineException if the folder holds no stage to probe or data is missing
   */
  public static Result run(Options o) {
    long t0 = System.nanoTime();
    if (!Files.isDirectory(o.run())) {
      throw new PipelineException(
          "no run folder at " + o.run() + ": give the runs/<timestamp> folder of bin/beit4j demo");
    }
    List<StageFeatures> stages = stages(o.run(), o.config().codeMapLimit());
    DataSource data = DataSource.open(o.data(), 1);
    if (data.test() == null) {
      throw new PipelineException(
          o.data() + " has no test/ split: the probes score held-out images");
    }
    OutputDir.check(o.out(), 1 << 20, "the stage-by-stage probes");
    StageProbe probe = StageProbe.of(data.train(), data.test(), o.config());
    INDArray images = probe.train().images(); // [M, C, H, W]
    stages.add(0, StageSources.pixels((int) images.size(1), (int) images.size(2)));
    StageTable table = probe.run(stages);
    List<Path> files = new ArrayList<>(table.save(o.out()));
    RunLayout layout = new RunLayout(o.run());
    if (Files.isDirectory(layout.report()) && o.out().equals(layout.stageProbe())) {
      files.add(RunReport.write(o.run()).markdown()); // the report shows the new table and plot
    }
    return new Result(table, files, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Each stage the run folder holds, in the order the demo makes them (a mutable list).
   *
   * @throws PipelineException if it holds none
   */
  static List<StageFeatures> stages(Path run, int limit) {
    RunLayout layout = new RunLayout(run);
    List<StageFeatures> out = new ArrayList<>();
    if (Files.isRegularFile(layout.teacher().resolve(CnnTeacher.GRAPH_FILE))) {
      out.add(StageSources.teacher(Artefacts.cnnTeacher(layout.teacher())));
    } else {
      log.warn("no CNN teacher in {}: its rows are left out", layout.teacher());
    }
    if (Files.isDirectory(layout.tokenizer())) {
      out.add(StageSources.tokenizer("tokenizer", Artefacts.tokenizer(layout.tokenizer()), limit));
    }
    if (Files.isDirectory(layout.pixelTokenizer())) {
      out.add(
          StageSources.tokenizer(
              "pixel tokenizer", Artefacts.tokenizer(layout.pixelTokenizer()), limit));
    }
    addBackbone(out, "backbone", layout.pretrain());
    addBackbone(out, "pixel backbone", layout.pretrainPixel());
    if (out.isEmpty()) {
      throw new PipelineException(
          "nothing to probe in "
              + run
              + ": it holds none of "
              + layout.stageFolders()
              + " with an artefact; run `bin/beit4j demo --out "
              + run
              + "` first");
    }
    return out;
  }

  private static void addBackbone(List<StageFeatures> out, String name, Path pretrainDir) {
    Path file = RunLayout.backbone(pretrainDir).resolve(Pretrainer.BACKBONE_FILE);
    if (!Files.isRegularFile(file)) {
      log.warn("no backbone at {}: the {} rows are left out", file, name);
      return;
    }
    out.add(StageSources.backbone(name, VisionTransformer.load(file)));
  }
}
