package org.beit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.train.Replicas;
import org.junit.jupiter.api.Test;

/** Stage selection, settings, and every stage's wiring on tiny models (no time is asserted). */
class BenchSuiteTest {

  @Test
  void selectKeepsTheSuitesOrderAndNamesTheValidStages() {
    assertEquals(
        List.of(
            "classifier",
            "classifier-tiny",
            "teacher",
            "tokenizer",
            "mim-demo",
            "mim-8192",
            "features",
            "fine-tune"),
        BenchSuite.names());
    assertEquals(8, BenchSuite.select(List.of()).size());
    assertEquals(
        List.of("teacher", "mim-8192"),
        BenchSuite.select(List.of("mim-8192", "teacher")).stream().map(StageBench::name).toList());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchSuite.select(List.of("mim")));
    assertTrue(e.getMessage().contains("'mim'") && e.getMessage().contains("mim-8192"));
  }

  @Test
  void settingsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new BenchSuite.Settings(0, -1, -1, -1, 64));
    assertEquals(2, new BenchSuite.Settings(0, 2, -1, -1, 64).replicas());
    assertThrows(IllegalArgumentException.class, () -> new BenchSuite.Settings(-1, 1, -1, -1, 64));
    assertThrows(IllegalArgumentException.class, () -> new BenchSuite.Settings(0, 1, -1, 0, 64));
    assertEquals(1024, BenchSuite.Settings.defaults().gemmSize());
  }

  @Test
  void everyStageRunsOnTinyModels() {
    VitConfig vit = VitConfig.test();
    CnnTeacherConfig teacher = CnnTeacherConfig.test();
    VqKdConfig vq =
        VqKdConfig.test().withTeacherDim(teacher.featureDim()).withRun(r -> r.withBatchSize(4));
    List<StageBench> stages =
        List.of(
            new ClassifierBench("classifier", "", vit, 4),
            new TeacherBench("teacher", teacher),
            new TokenizerBench("tokenizer", vq, teacher),
            new MimBench("mim", "", PretrainConfig.of(vit, 16, 10, 4)),
            new FeatureBench("features", "", vit, 4),
            new FineTuneBench("fine-tune", "", vit, 4));
    List<String> seen = new ArrayList<>();
    BenchRun run =
        BenchSuite.run(stages, new BenchSuite.Settings(0, 1, 0, 2, 32), r -> seen.add(r.name()));
    assertEquals(
        List.of("classifier", "teacher", "tokenizer", "mim", "features", "fine-tune"), seen);
    for (BenchResult r : run.results()) {
      assertEquals(2, r.runs(), r.name());
      assertTrue(r.medianMillis() > 0, r.name());
      assertTrue(r.flopsPerStep() > 0, r.name());
      assertTrue(r.memory().resident() > r.memory().offHeap(), r.name());
      assertTrue(r.memory().heap() > 0, r.name());
      assertTrue(r.gemmGflops() > 0, r.name()); // each stage's own GEMM
      assertEquals(r.achievedGflops() / r.gemmGflops(), r.mfu(), 1e-12, r.name());
    }
    // the tokenizer's k-means batches are always warm-up
    assertEquals(vq.kmeansBatches(), run.results().get(2).warmup());
    assertEquals(0, run.results().get(0).warmup());
    // only pretraining uses graph replicas so far; it takes the JVM's default
    assertEquals(Replicas.defaultCount(), run.results().get(3).replicas());
    assertEquals(1, run.results().get(0).replicas());
    assertTrue(run.gemmGflops() > 0);
  }
}
