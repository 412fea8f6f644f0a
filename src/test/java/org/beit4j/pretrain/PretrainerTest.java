package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.beit4j.io.Provenance;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class PretrainerTest {

  static final int K = 16;

  @TempDir Path tmp;

  static PretrainConfig config(int total, int every) {
    return PretrainConfig.of(VitConfig.test(), K, total, 8)
        .withClsHeadLayer(1)
        .withRun(
            r ->
                r.withSchedule(s -> new Schedule(2e-3, 1e-4, 2, total)).withCheckpointEvery(every));
  }

  static Synthetic.BrightnessTokenizer tokenizer() {
    return new Synthetic.BrightnessTokenizer(K, 7);
  }

  @Test
  void lossFallsOnLearnableTokens() {
    List<MultiDataSet> data = Synthetic.batches(5, 8, 28, 11);
    int steps = 30;
    PretrainConfig cfg =
        config(steps, 0).withRun(r -> r.withSchedule(s -> new Schedule(5e-3, 5e-4, 2, steps)));
    Pretrainer t = Pretrainer.create(cfg, tokenizer(), null);
    List<StepMetrics> m = t.train(new Synthetic.ListIterator(data), steps);
    assertEquals(steps, m.size());
    assertEquals(steps, t.stepsDone());
    StepMetrics end = m.get(steps - 1);
    double first = (m.get(0).mimLoss() + m.get(1).mimLoss()) / 2;
    double last = (m.get(steps - 2).mimLoss() + end.mimLoss()) / 2;
    assertEquals(Math.log(K), first, 0.4);
    assertTrue(last < 0.4 * first, "MIM loss " + first + " -> " + last);
    // below log 4, the best loss without looking at the visible patches (4 equally likely tokens)
    assertTrue(last < Math.log(Synthetic.LEVELS), "MIM loss " + last);
    assertTrue(end.clsLoss() < 0.6 * m.get(0).clsLoss(), "[CLS] loss " + m.get(0) + " " + end);
    assertTrue(end.mimAcc() > 0.5, "MIM accuracy " + end.mimAcc());
    assertEquals(5e-3 / 2, m.get(0).learningRate(), 1e-12); // warm-up step 0 of 2
  }

  @Test
  void killAndResumeEqualsAnUninterruptedRun() throws Exception {
    List<MultiDataSet> data = Synthetic.batches(3, 4, 28, 5); // 4 steps cross an epoch boundary
    PretrainConfig cfg = config(4, 2);
    Path a = tmp.resolve("a");
    Pretrainer whole = Pretrainer.create(cfg, tokenizer(), a);
    List<StepMetrics> ma = whole.train(new Synthetic.ListIterator(data), 4);

    Path b = tmp.resolve("b");
    Pretrainer first = Pretrainer.create(cfg, tokenizer(), b);
    first.train(new Synthetic.ListIterator(data), 3); // "killed" after step 3, checkpoint at 2
    Path ckpt = b.resolve("checkpoint-00000002");
    assertTrue(Files.isDirectory(ckpt));
    Pretrainer resumed = Pretrainer.resume(ckpt, cfg, tokenizer(), b);
    assertEquals(2, resumed.stepsDone());
    List<StepMetrics> mb = resumed.train(new Synthetic.ListIterator(data), 4);
    assertEquals(2, mb.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(ma.get(2 + i).step(), mb.get(i).step());
      assertEquals(ma.get(2 + i).loss(), mb.get(i).loss(), 0, "loss at step " + mb.get(i).step());
      assertEquals(ma.get(2 + i).mimAcc(), mb.get(i).mimAcc(), 0);
      assertEquals(ma.get(2 + i).learningRate(), mb.get(i).learningRate(), 0);
    }
    assertTrue(ma.get(2).loss() != ma.get(3).loss()); // the steps did change the model
    for (String name : whole.model().parameterNames()) {
      assertEquals(whole.model().parameter(name), resumed.model().parameter(name), name);
    }
    // the CSV holds each step once; artefacts are complete, nothing temporary is left
    List<String> csv = Files.readAllLines(b.resolve("metrics.csv"));
    assertEquals(5, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(0).startsWith("step,lr,loss,mimLoss,clsLoss,mimAcc,clsAcc"));
    for (int i = 1; i <= 4; i++) {
      assertTrue(csv.get(i).startsWith(i + ","), csv.get(i));
    }
    try (Stream<Path> s = Files.list(b)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")));
    }
    assertTrue(Files.isDirectory(b.resolve("final")));
    assertEquals("backbone", Provenance.load(b.resolve("backbone")).kind());
    assertEquals(4, Provenance.load(b.resolve("backbone")).steps());
    exportLoadsAsVisionTransformerWithoutPretrainingParts(cfg, resumed, b);
  }

  @Test
  void adoptingAnotherRunsStateAfterTwoStepsContinuesItBitForBit() {
    List<MultiDataSet> data = Synthetic.batches(3, 4, 28, 5);
    PretrainConfig cfg = config(4, 0).withRun(r -> r.withReplicas(1));
    Pretrainer a = Pretrainer.create(cfg, tokenizer(), null);
    List<StepMetrics> first = a.train(new Synthetic.ListIterator(data), 2);
    Pretrainer b = Pretrainer.create(cfg, tokenizer(), null);
    Map<String, INDArray> params = new LinkedHashMap<>();
    a.model().parameters().forEach((k, v) -> params.put(k, v.dup()));
    Map<String, INDArray> state = new LinkedHashMap<>();
    a.optimizer().state().forEach((k, v) -> state.put(k, v.dup()));
    List<Pretrainer.TakenStep> taken =
        first.stream()
            .map(
                m ->
                    new Pretrainer.TakenStep(
                        Map.of(
                            PretrainModel.LOSS, m.loss(),
                            PretrainModel.MIM_LOSS, m.mimLoss(),
                            PretrainModel.CLS_LOSS, m.clsLoss(),
                            PretrainModel.MIM_ACC, m.mimAcc(),
                            PretrainModel.CLS_ACC, m.clsAcc()),
                        m.learningRate(),
                        m.gradNorm()))
            .toList();
    // a state of the wrong step is refused before anything changes
    assertThrows(
        IllegalArgumentException.class,
        () -> b.adopt(params, state, taken.subList(0, 1), 8, System.nanoTime()));
    assertEquals(0, b.stepsDone());
    List<StepMetrics> adopted = b.adopt(params, state, taken, 8, System.nanoTime());
    assertEquals(2, b.stepsDone());
    assertEquals(List.of(1L, 2L), adopted.stream().map(StepMetrics::step).toList());
    assertEquals(first.get(1).loss(), adopted.get(1).loss(), 0);
    assertEquals(first.get(1).learningRate(), adopted.get(1).learningRate(), 0);
    List<StepMetrics> ma = a.train(new Synthetic.ListIterator(data), 4);
    List<StepMetrics> mb = b.train(new Synthetic.ListIterator(data), 4);
    for (int i = 0; i < 2; i++) {
      assertEquals(ma.get(i).loss(), mb.get(i).loss(), 0, "loss at step " + (3 + i));
    }
    for (String name : a.model().parameterNames()) {
      assertEquals(a.model().parameter(name), b.model().parameter(name), name);
    }
  }

  @Test
  void anInterruptedThreadStopsBetweenStepsAndKeepsWholeFiles() throws Exception {
    List<MultiDataSet> data = Synthetic.batches(2, 4, 28, 6);
    Path dir = tmp.resolve("interrupted");
    Pretrainer t = Pretrainer.create(config(4, 1), tokenizer(), dir);
    t.train(new Synthetic.ListIterator(data), 1);
    Thread.currentThread().interrupt();
    try {
      CancellationException e =
          assertThrows(
              CancellationException.class, () -> t.train(new Synthetic.ListIterator(data), 4));
      assertTrue(e.getMessage().contains("after step 1"), e.getMessage());
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt flag is left for the caller");
    }
    assertEquals(1, t.stepsDone());
    assertEquals(2, Files.readAllLines(dir.resolve("metrics.csv")).size());
    assertTrue(Files.isDirectory(dir.resolve("checkpoint-00000001")));
    assertFalse(Files.exists(dir.resolve("final")));
    // and the run resumes from that checkpoint
    Pretrainer resumed =
        Pretrainer.resume(dir.resolve("checkpoint-00000001"), config(4, 1), tokenizer(), dir);
    assertEquals(3, resumed.train(new Synthetic.ListIterator(data), 4).size());
  }

  private void exportLoadsAsVisionTransformerWithoutPretrainingParts(
      PretrainConfig cfg, Pretrainer t, Path run) throws Exception {
    VisionTransformer vt =
        VisionTransformer.load(run.resolve("backbone").resolve(Pretrainer.BACKBONE_FILE));
    assertEquals(cfg.vit(), vt.config());
    assertEquals(0, vt.numClasses());
    List<String> names =
        vt.sameDiff().variables().stream()
            .filter(v -> v.getVariableType() == VariableType.VARIABLE)
            .map(v -> v.name())
            .toList();
    assertTrue(
        names.stream().noneMatch(n -> n.startsWith("clshead") || n.startsWith("mim")),
        names.toString());
    for (String n : names) {
      assertEquals(t.model().parameter(n), vt.sameDiff().getVariable(n).getArr(), n);
    }
  }

  @Test
  void badInputGivesClearErrors() {
    PretrainConfig cfg = config(4, 2);
    var grid =
        assertThrows(
            IllegalArgumentException.class,
            () -> Pretrainer.create(cfg, new Synthetic.BrightnessTokenizer(K, 14), null));
    assertTrue(grid.getMessage().contains("14x14 token grid"), grid.getMessage());
    assertTrue(grid.getMessage().contains("7x7 patches"), grid.getMessage());
    var size =
        assertThrows(
            IllegalArgumentException.class,
            () -> Pretrainer.create(cfg, new Synthetic.BrightnessTokenizer(32, 7), null));
    assertTrue(size.getMessage().contains("config.codebookSize is 16"), size.getMessage());

    Path run = tmp.resolve("r");
    Pretrainer t = Pretrainer.create(cfg, tokenizer(), run);
    Path ckpt = t.checkpoint(run.resolve("checkpoint-00000000"));
    PretrainConfig other = cfg.withClsHeadLayer(2).withRun(r -> r.withSeed(7));
    var wrong =
        assertThrows(
            IllegalArgumentException.class, () -> Pretrainer.resume(ckpt, other, tokenizer(), run));
    assertTrue(wrong.getMessage().contains("clsHeadLayer: 1 vs 2"), wrong.getMessage());
    assertTrue(wrong.getMessage().contains("seed: 42 vs 7"), wrong.getMessage());
    assertThrows(
        org.beit4j.io.ArtefactException.class,
        () -> Pretrainer.resume(tmp.resolve("nothing"), cfg, tokenizer(), run));
    var badImages =
        assertThrows(
            IllegalArgumentException.class, () -> t.step(Synthetic.batches(1, 2, 32, 1).get(0)));
    assertTrue(badImages.getMessage().contains("[B, 1, 28, 28]"), badImages.getMessage());
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> cfg.withMasking(MaskingConfig.forGrid(14)));
    assertTrue(e.getMessage().contains("masking.gridSize 14"), e.getMessage());
  }
}
