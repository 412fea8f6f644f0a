package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.beit4j.eval.ResultsTable;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The demo recipe driven through the pipeline API ({@link DemoStage#run}, no CLI), with the {@code
 * test} budget end to end on real Fashion-MNIST: every stage's artefact, the five rows of issue 6's
 * table, the report, refusal to overwrite, a resume that redoes only the missing stage, and the
 * same bytes with the baseline on a second thread or not.
 */
class DemoStageTest {

  @TempDir Path tmp;

  @Test
  void runsEveryStageWritesTheTableAndReportAndResumesOnlyWhatIsMissing() throws Exception {
    Path run = tmp.resolve("demo");
    DemoStage.Options options = DemoStage.Options.of(DemoBudget.test(), run).withSeed(3);
    DemoStage.Result r = DemoStage.run(options.withParallel(true));
    assertEquals(run, r.dir());
    for (String f :
        List.of(
            "teacher/teacher.sd",
            "tokenizer/metrics.csv",
            "pixel-tokenizer/provenance.properties",
            "pretrain/metrics.csv",
            "pretrain/backbone/backbone.sd",
            "pretrain-pixel/backbone/backbone.sd",
            "eval/results.csv",
            "eval/results.md",
            "report/report.md",
            DemoStage.TIMES_FILE)) {
      assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f);
    }
    String taught = Provenance.load(run.resolve("tokenizer")).extra().get("teacher");
    assertTrue(taught.startsWith("layernorm:cnn-teacher:"), taught); // the budget's teacherNorm
    ResultsTable table = ResultsTable.load(run.resolve("eval/results.csv"));
    assertEquals(
        List.of(
            "(a) pixels",
            "(b) random ViT",
            "(c) teacher",
            "(d) BEiT v2",
            "(e) pixel tokens",
            "(f) VQ-KD words",
            "(g) pixel words"),
        table.rows().stream().map(ResultsTable.Row::name).toList());
    for (ResultsTable.Row row : table.rows()) {
      assertTrue(row.linearTop1() >= 0 && row.linearTop1() <= 1, row.toString());
      assertTrue(row.knnTop1() >= 0 && row.knnTop1() <= 1, row.toString());
    }
    // pixels of real Fashion-MNIST: far above the 10% of chance even on 300 training images
    assertTrue(table.rows().get(0).linearTop1() > 0.5, table.toMarkdown());
    assertEquals(table.toCsv(), r.table().toCsv());
    assertEquals(run.resolve("report/report.md"), r.report());
    String report = Files.readString(run.resolve("report/report.md"));
    assertTrue(report.contains("(e) pixel tokens"), "the report embeds the results table");
    Map<String, Double> times = DemoStage.readTimes(run);
    LoggerFactory.getLogger(DemoStageTest.class)
        .warn("demo --preset test stage seconds: {}", times);
    assertEquals(
        java.util.Set.of(
            "teacher",
            "tokenizer",
            "pixel-tokenizer",
            "pretrain",
            "pretrain-pixel",
            "evaluation",
            "report"),
        times.keySet());

    // a second run into the same directory is refused before any work
    var again = assertThrows(PipelineException.class, () -> DemoStage.run(options));
    assertTrue(again.getMessage().contains("pass --resume"), again.getMessage());

    // resume after losing the evaluation: the teacher is kept (same bytes), eval is redone
    byte[] teacher = Files.readAllBytes(run.resolve("teacher/teacher.sd"));
    AtomicFiles.deleteRecursively(run.resolve("eval"));
    DemoStage.run(options.withResume(true));
    assertTrue(
        java.util.Arrays.equals(teacher, Files.readAllBytes(run.resolve("teacher/teacher.sd"))));
    assertEquals(
        table.toCsv(),
        ResultsTable.load(run.resolve("eval/results.csv")).toCsv(),
        "same seed, same rows");

    // an evaluation interrupted after its first row: that row is kept (marked here), the rest
    // scored again, not taken for done
    Path csv = run.resolve("eval/results.csv");
    List<String> lines = Files.readAllLines(csv);
    Files.writeString(csv, lines.get(0) + "\n" + lines.get(1).replace(",0.", ",0.0001") + "\n");
    // edited by hand, so its manifest would (rightly) refuse it: loads without one, with a warning
    Files.delete(run.resolve("eval/results.csv" + org.beit4j.io.Manifest.SIDECAR_SUFFIX));
    DemoStage.run(options.withResume(true));
    ResultsTable completed = ResultsTable.load(csv);
    assertEquals(table.rows().size(), completed.rows().size(), completed.toMarkdown());
    assertTrue(completed.rows().get(0).linearTop1() < 0.01, "row (a) was kept, not recomputed");
    assertEquals(table.rows().subList(1, 7), completed.rows().subList(1, 7));
    assertTrue(Files.readString(run.resolve("report/report.md")).contains("(g) pixel words"));

    // the pixel-token baseline ran on its own thread above; one thread gives the same bytes
    Path seq = tmp.resolve("sequential");
    DemoStage.run(DemoStage.Options.of(DemoBudget.test(), seq).withSeed(3).withParallel(false));
    for (String f :
        List.of("pretrain/backbone/backbone.sd", "pretrain-pixel/backbone/backbone.sd")) {
      assertTrue(
          java.util.Arrays.equals(
              Files.readAllBytes(run.resolve(f)), Files.readAllBytes(seq.resolve(f))),
          f + " differs between the parallel and the sequential run");
    }
    assertEquals(table.toCsv(), ResultsTable.load(seq.resolve("eval/results.csv")).toCsv());
  }

  @Test
  void aFailedBaselineStopsTheTeacherChainBeforeItsNextStage() throws Exception {
    Path run = tmp.resolve("blocked");
    Files.createDirectories(run);
    // a file where the pixel tokenizer's directory goes: the baseline fails at once
    Files.writeString(run.resolve("pixel-tokenizer"), "in the way");
    DemoStage.Options o =
        DemoStage.Options.of(DemoBudget.test(), run)
            .withSeed(3)
            .withResume(true)
            .withParallel(true);
    Exception e = assertThrows(Exception.class, () -> DemoStage.run(o));
    assertTrue(String.valueOf(e.getMessage()).contains("pixel-tokenizer"), e.toString());
    assertTrue(Files.isRegularFile(run.resolve("teacher/teacher.sd")), "the teacher stage ran");
    assertFalse(Files.exists(run.resolve("tokenizer")), "the tokenizer stage should not start");
  }
}
