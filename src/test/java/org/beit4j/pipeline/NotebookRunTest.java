package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.CnnTeacher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two paths of a notebook: a finished demo run found (only read), or the demo's stages at the
 * notebook's budget trained into a cache folder, the tokenizer chain first and the rest later.
 */
class NotebookRunTest {

  @TempDir Path tmp;

  @Test
  void aFoundRunIsUsedAsItIsAndTheMessageSaysWhereFrom() throws Exception {
    Path runs = tmp.resolve("runs");
    RunLayout newest = DemoRunsTest.fakeRun(runs.resolve("20261203-090000"));
    NotebookRun nr = NotebookRun.open(runs, tmp.resolve("cache"), DemoBudget.test(), Map.of());
    assertTrue(nr.found());
    assertEquals(newest, nr.layout());
    assertEquals(newest, nr.withTokenizer());
    assertEquals(newest, nr.complete());
    assertEquals(
        "a finished demo run found at "
            + newest.root()
            + " (the newest finished run in "
            + runs
            + ")",
        nr.toString());
    assertFalse(Files.exists(tmp.resolve("cache")), "nothing is trained when a run is found");

    RunLayout named = DemoRunsTest.fakeRun(tmp.resolve("elsewhere"));
    NotebookRun byEnv =
        NotebookRun.open(
            runs,
            tmp.resolve("cache"),
            DemoBudget.test(),
            Map.of(DemoRuns.ENV, named.root().toString()));
    assertEquals(named, byEnv.layout());
    assertTrue(byEnv.toString().endsWith("(named by " + DemoRuns.ENV + ")"), byEnv.toString());
  }

  @Test
  void withoutARunTheCacheFolderIsNamedByTheBudgetAndTheMessageSaysHowToUseARun() {
    Path cache = tmp.resolve("cache");
    DemoBudget small = DemoBudget.quick().scaledTo(20, 300);
    NotebookRun nr = NotebookRun.open(tmp.resolve("none"), cache, small, Map.of());
    assertFalse(nr.found());
    assertEquals(cache, nr.layout().root().getParent());
    assertTrue(nr.layout().root().getFileName().toString().startsWith("demo-quick-20x300-"));
    assertTrue(nr.toString().startsWith("no finished demo run in " + tmp.resolve("none")));
    assertTrue(nr.toString().contains("set " + DemoRuns.ENV), nr.toString());
    assertEquals(small.vit(), nr.backboneShape());
    NotebookRun other =
        NotebookRun.open(
            tmp.resolve("none"), cache, DemoBudget.quick().scaledTo(21, 300), Map.of());
    assertNotEquals(nr.layout(), other.layout());
  }

  @Test
  void theTokenizerChainFirstThenCompleteKeepsItAndTrainsTheRest() throws Exception {
    NotebookRun nr = NotebookRun.open(tmp.resolve("none"), tmp, DemoBudget.test(), Map.of());
    RunLayout run = nr.withTokenizer();
    Path teacherGraph = run.teacher().resolve(CnnTeacher.GRAPH_FILE);
    assertTrue(Files.isRegularFile(teacherGraph));
    assertTrue(Files.isRegularFile(run.tokenizer().resolve("vqkd.properties")));
    assertFalse(Files.exists(run.pretrain()), "MIM waits for complete()");
    assertEquals(
        List.of("pixel-tokenizer", "pretrain/backbone", "pretrain-pixel/backbone"),
        DemoRuns.missing(run));
    long teacherTime = Files.getLastModifiedTime(teacherGraph).toMillis();

    assertEquals(run, nr.complete());
    assertEquals(List.of(), DemoRuns.missing(run));
    assertTrue(
        Files.isRegularFile(RunLayout.backbone(run.pretrain()).resolve(Pretrainer.BACKBONE_FILE)));
    assertEquals(teacherTime, Files.getLastModifiedTime(teacherGraph).toMillis(), "teacher kept");
    // the cache is now a finished run: a notebook opened on it as the runs folder finds it
    assertTrue(NotebookRun.open(tmp, tmp.resolve("x"), DemoBudget.test(), Map.of()).found());
  }
}
