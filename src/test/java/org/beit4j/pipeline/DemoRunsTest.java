package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.beit4j.io.Manifest;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.Pretrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoRunsTest {

  @TempDir Path runs;

  /** The files {@link DemoRuns#missing} looks for, except those named in {@code skip}. */
  static RunLayout fakeRun(Path dir, String... skip) throws IOException {
    RunLayout run = new RunLayout(dir);
    List<String> left = List.of(skip);
    for (Path d : List.of(run.teacher(), run.tokenizer(), run.pixelTokenizer())) {
      if (!left.contains(d.getFileName().toString())) {
        Files.createDirectories(d);
        Files.writeString(d.resolve(Manifest.FILE_NAME), "kind=x\n");
      }
    }
    for (Path p : List.of(run.pretrain(), run.pretrainPixel())) {
      if (!left.contains(p.getFileName() + "/" + RunLayout.BACKBONE)) {
        Path b = RunLayout.backbone(p);
        Files.createDirectories(b);
        Files.writeString(b.resolve(Pretrainer.BACKBONE_FILE), "x");
        Files.writeString(
            b.resolve(Pretrainer.BACKBONE_FILE + Manifest.SIDECAR_SUFFIX), "kind=x\n");
      }
    }
    return run;
  }

  @Test
  void noRunsFolderOrNoFinishedRunFindsNothing() throws IOException {
    assertEquals(Optional.empty(), DemoRuns.find(runs.resolve("absent"), Map.of()));
    fakeRun(runs.resolve("20261203-120000"), "pretrain/backbone");
    assertEquals(Optional.empty(), DemoRuns.find(runs, Map.of()));
  }

  @Test
  void newestFinishedRunWinsAndUnfinishedOnesAreSkipped() throws IOException {
    fakeRun(runs.resolve("20261201-090000"));
    RunLayout mid = fakeRun(runs.resolve("20261202-090000"));
    fakeRun(runs.resolve("20261203-090000"), "tokenizer");
    assertEquals(Optional.of(mid), DemoRuns.find(runs, Map.of()));
  }

  @Test
  void missingNamesEveryAbsentArtefact() throws IOException {
    RunLayout run = fakeRun(runs.resolve("r"), "teacher", "pretrain-pixel/backbone");
    assertEquals(List.of("teacher", "pretrain-pixel/backbone"), DemoRuns.missing(run));
    Files.delete(
        RunLayout.backbone(run.pretrain())
            .resolve(Pretrainer.BACKBONE_FILE + Manifest.SIDECAR_SUFFIX));
    assertEquals(
        List.of("teacher", "pretrain/backbone", "pretrain-pixel/backbone"), DemoRuns.missing(run));
  }

  @Test
  void environmentVariableOverridesTheSearchAndMustNameAFinishedRun() throws IOException {
    RunLayout elsewhere = fakeRun(runs.resolve("elsewhere").resolve("full"));
    fakeRun(runs.resolve("20261203-090000"));
    Map<String, String> env = Map.of(DemoRuns.ENV, elsewhere.root().toString());
    assertEquals(Optional.of(elsewhere), DemoRuns.find(runs, env));

    Path half = fakeRun(runs.resolve("half"), "tokenizer").root();
    PipelineException e =
        assertThrows(
            PipelineException.class,
            () -> DemoRuns.find(runs, Map.of(DemoRuns.ENV, half.toString())));
    assertTrue(e.getMessage().contains("missing tokenizer"), e.getMessage());
    assertTrue(e.getMessage().contains("--out " + half + " --resume"), e.getMessage());
  }
}
