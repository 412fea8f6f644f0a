package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.eval.probe.Representation;
import org.beit4j.eval.probe.StageTable;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.report.ReportOptions;
import org.beit4j.report.RunReport;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/beit4j probe-stages} on a tiny run folder made here by the library (teacher, VQ-KD
 * tokenizer, 2 MIM steps): the table, the per-layer plot, and the run's report rewritten to show
 * both.
 */
class ProbeStagesCommandTest {

  private static final SyntheticImages TRAIN = new SyntheticImages(128, 1, 28, 28, 10, 1);
  private static final SyntheticImages TEST = new SyntheticImages(32, 1, 28, 28, 10, 2);

  @TempDir Path tmp;

  private static ImageBatchIterator loader(int batch) {
    return ImageBatchIterator.of(TRAIN, TransformConfig.plain(28, 1), LoaderConfig.of(batch));
  }

  private static Path tinyRun(Path run) {
    RunLayout layout = new RunLayout(run);
    CnnTeacher teacher = CnnTeacher.train(CnnTeacherConfig.test().withTrainLimit(96), TRAIN, TEST);
    teacher.save(layout.teacher());
    VqKdConfig vq = VqKdConfig.test().withRun(r -> r.withSteps(4));
    VqKdTokenizer tok = VqKdTokenizer.train(vq, teacher, loader(16), "synthetic", null, null);
    tok.save(layout.tokenizer());
    PretrainConfig cfg =
        PretrainConfig.of(VitConfig.test(), vq.quantizer().codebookSize(), 2, 8)
            .withClsHeadLayer(1)
            .withRun(r -> r.withSchedule(s -> new Schedule(2e-3, 1e-4, 1, 2)));
    Pretrainer.create(cfg, tok, layout.pretrain()).train(loader(8), 2);
    return run;
  }

  @Test
  void writesTheTableAndThePlotAndTheReportShowsThem() throws Exception {
    Path run = tinyRun(tmp.resolve("run"));
    Path report =
        RunReport.write(
                run,
                ReportOptions.defaults()
                    .withImages(TEST)
                    .withUsageImages(32)
                    .withExamples(2)
                    .withVitNormalization(null))
            .markdown();
    assertFalse(Files.readString(report).contains("Stage-by-stage probes"), "not probed yet");
    CliOptionsTest.Run r =
        CliOptionsTest.run(
            "probe-stages",
            "--run",
            run.toString(),
            "--preset",
            "test",
            "--train-limit",
            "60",
            "--test-limit",
            "30");
    assertEquals(0, r.code(), r.err());
    Path dir = new RunLayout(run).stageProbe();
    for (String f : List.of(StageTable.CSV_FILE, StageTable.MD_FILE, StageTable.PLOT_FILE)) {
      assertTrue(Files.size(dir.resolve(f)) > 100, f);
    }
    StageTable t = StageTable.load(dir.resolve(StageTable.CSV_FILE));
    int depth = VitConfig.test().depth();
    int width = VitConfig.test().width();
    // pixels, 3 teacher rows, 4 tokenizer rows (no pixel tokenizer or pixel backbone here), 3 per
    // layer
    assertEquals(1 + 3 + 4 + 3 * depth, t.rows().size(), t.toMarkdown());
    assertEquals(784, t.row("pixels").representation().dims());
    assertEquals(CnnTeacherConfig.test().featureDim(), t.row("teacher l2").representation().dims());
    assertEquals(49 * 64, t.row("tokenizer code map").representation().dims());
    assertEquals(
        2 * width, t.row("backbone layer " + depth + " [CLS]+mean").representation().dims());
    assertEquals(depth, t.layers("backbone", Representation.Readout.MEAN).size());
    for (StageTable.Row row : t.rows()) {
      assertEquals(60, row.trainImages());
      assertEquals(30, row.testImages());
    }
    assertTrue(r.out().contains("| backbone | backbone layer 1 [CLS] | " + width + " |"), r.out());

    // the run had a report: probe-stages rewrote it with the table and the plot
    String md = Files.readString(report);
    assertTrue(md.contains("### Stage-by-stage probes"), md);
    assertTrue(md.contains("| tokenizer | tokenizer bag | 64 |"), md);
    assertTrue(Files.size(new RunLayout(run).report().resolve(StageTable.PLOT_FILE)) > 1000);
  }

  @Test
  void anEmptyFolderIsRefusedAndAnUnknownPresetListsTheNames() throws Exception {
    Files.createDirectories(tmp.resolve("empty"));
    CliOptionsTest.Run empty =
        CliOptionsTest.run(
            "probe-stages", "--run", tmp.resolve("empty").toString(), "--preset", "test");
    assertEquals(1, empty.code(), empty.out());
    assertTrue(empty.err().contains("nothing to probe in"), empty.err());
    CliOptionsTest.Run bad =
        CliOptionsTest.run("probe-stages", "--run", tmp.toString(), "--preset", "fast");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("[quick, full, test]"), bad.err());
  }
}
