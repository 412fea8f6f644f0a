package org.beit4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainCheckpoint;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.LoggerFactory;

/**
 * The Spark job in {@code local[2]} against the one-process library run: 12 stripe images of 28x28
 * in an image folder, batches of 6 (two per epoch, so 5 steps cross epochs), 2 workers of 3 images
 * each, a pixel k-means tokenizer of 8 codes, the test ViT.
 */
class SparkPretrainerTest {

  private static final int STEPS = 5;

  @TempDir static Path tmp;

  private static JavaSparkContext sc;
  private static PretrainConfig config;
  private static String data;
  private static String tokenizer;
  private static SparkPretrainer.Result whole;

  @BeforeAll
  static void setUp() throws IOException {
    LocalSpark.writeImages(tmp.resolve("data/train"));
    data = "file:" + tmp.resolve("data");
    Path tok = tmp.resolve("tokenizer");
    INDArray images =
        SparkData.batches(SparkData.open(tmp.resolve("data").toString(), 1), config(), false)
            .batchOf(0, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
            .getFeatures(0); // [12, 1, 28, 28]
    PixelKMeansTokenizer.fit(images, 4, 8, false, 10, 3).save(tok);
    tokenizer = tok.toString();
    config = config();
    sc = LocalSpark.context();
    whole = SparkPretrainer.run(sc, job("whole"));
  }

  private static PretrainConfig config() {
    return PretrainConfig.of(VitConfig.test(), 8, STEPS, 6)
        .withClsHeadLayer(1)
        .withRun(
            r ->
                r.withSchedule(s -> new Schedule(2e-3, 1e-4, 2, STEPS))
                    .withCheckpointEvery(2)
                    .withSeed(17));
  }

  private static SparkPretrainJob job(String out) {
    return SparkPretrainJob.of(config, data, tokenizer, "file:" + tmp.resolve(out)).withWorkers(2);
  }

  private static Map<String, INDArray> finalParams(String out) {
    return PretrainCheckpoint.read(tmp.resolve(out).resolve("final"), null).params();
  }

  @Test
  void twoWorkersReproduceTheOneProcessRunParameterByParameter() throws IOException {
    Pretrainer one = Pretrainer.create(config.withRun(r -> r.withReplicas(1)), load(), null);
    List<StepMetrics> expected =
        one.train(
            SparkData.batches(SparkData.open(tmp.resolve("data").toString(), 1), config, false),
            STEPS);
    assertEquals(STEPS, whole.stepsDone());
    for (int i = 0; i < STEPS; i++) {
      StepMetrics a = expected.get(i);
      StepMetrics b = whole.history().get(i);
      assertEquals(a.loss(), b.loss(), 1e-4, "loss at step " + (i + 1));
      assertEquals(a.mimAcc(), b.mimAcc(), 1e-4, "MIM accuracy at step " + (i + 1));
      assertEquals(a.gradNorm(), b.gradNorm(), 1e-4 * a.gradNorm(), "norm at step " + (i + 1));
    }
    assertTrue(
        expected.get(0).loss() - expected.get(STEPS - 1).loss() > 0.01,
        "the steps changed the model: " + expected);
    Map<String, INDArray> spark = finalParams("whole");
    assertEquals(one.model().parameterNames().size(), spark.size());
    for (String name : one.model().parameterNames()) {
      INDArray p = one.model().parameter(name);
      double diff = p.sub(spark.get(name)).amaxNumber().doubleValue();
      assertTrue(diff < 1e-5, name + " differs by " + diff);
    }
    // the exported backbone loads with the library, holding the trained parameters
    assertNotNull(whole.backbone());
    VisionTransformer vt =
        VisionTransformer.load(tmp.resolve("whole/backbone").resolve(Pretrainer.BACKBONE_FILE));
    String name = "vit/block0/attn/qkv/w";
    assertEquals(spark.get(name), vt.sameDiff().getVariable(name).getArr(), name);
    assertEquals(2L * 4 * whole.parameters() * 2, whole.bytesPerStep(2));
    // every step's time includes its longest task's work
    assertEquals(STEPS, whole.taskSeconds().length);
    for (int i = 0; i < STEPS; i++) {
      assertTrue(whole.taskSeconds()[i] > 0, "task time of step " + (i + 1));
      assertTrue(whole.taskSeconds()[i] < whole.stepSeconds()[i], "step " + (i + 1));
    }
  }

  @Test
  void aJobKilledAtStep4ResumesFromItsCheckpointToTheSameResult() throws IOException {
    SparkPretrainJob failing = job("killed").withFailAtStep(4);
    assertThrows(Exception.class, () -> SparkPretrainer.run(sc, failing));
    Path out = tmp.resolve("killed");
    assertTrue(Files.isDirectory(out.resolve("checkpoint-00000002")), "checkpoint of step 2");
    assertFalse(Files.exists(out.resolve("final")), "no final checkpoint");
    // a new job on the same directory refuses to start over it
    assertThrows(IllegalArgumentException.class, () -> SparkPretrainer.run(sc, job("killed")));

    SparkPretrainer.Result resumed = SparkPretrainer.run(sc, job("killed").withResume(true));
    assertEquals(STEPS, resumed.stepsDone());
    assertEquals(3, resumed.history().size(), "steps 3, 4, 5");
    for (int i = 0; i < 3; i++) {
      assertEquals(whole.history().get(2 + i).loss(), resumed.history().get(i).loss(), 0);
    }
    Map<String, INDArray> expected = finalParams("whole");
    Map<String, INDArray> actual = finalParams("killed");
    for (Map.Entry<String, INDArray> e : expected.entrySet()) {
      assertEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
    }
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(1 + STEPS, rows.size(), "header and one row per step: " + rows);
    assertTrue(rows.get(STEPS).startsWith("5,"), rows.get(STEPS));
  }

  @Test
  void averagingEveryThreeLocalStepsTrainsNearTheExactRun() throws IOException {
    SparkPretrainer.Result sync = SparkPretrainer.run(sc, job("sync3").withSyncEvery(3));
    assertEquals(STEPS, sync.stepsDone());
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L), sync.history().stream().map(StepMetrics::step).toList());
    // step 1 of a round is computed at the exact run's parameters on the same shards
    assertEquals(whole.history().get(0).loss(), sync.history().get(0).loss(), 1e-5);
    assertEquals(whole.history().get(0).learningRate(), sync.history().get(0).learningRate(), 0);
    // rounds end at steps 3 and 5; the checkpoint of the round that crossed step 2
    Path out = tmp.resolve("sync3");
    assertTrue(Files.isDirectory(out.resolve("checkpoint-00000003")), "checkpoint of step 3");
    assertEquals(1 + STEPS, Files.readAllLines(out.resolve("metrics.csv")).size());
    Map<String, INDArray> exact = finalParams("whole");
    Map<String, INDArray> averaged = finalParams("sync3");
    Map<String, INDArray> initial =
        Pretrainer.create(config.withRun(r -> r.withReplicas(1)), load(), null)
            .model()
            .parameters();
    double moved = 0; // squared l2 norms over all parameters
    double apart = 0;
    double apartMax = 0;
    for (Map.Entry<String, INDArray> e : exact.entrySet()) {
      INDArray d = e.getValue().sub(averaged.get(e.getKey()));
      moved += Math.pow(e.getValue().sub(initial.get(e.getKey())).norm2Number().doubleValue(), 2);
      apart += Math.pow(d.norm2Number().doubleValue(), 2);
      apartMax = Math.max(apartMax, d.amaxNumber().doubleValue());
    }
    double rates = sync.history().stream().mapToDouble(StepMetrics::learningRate).sum();
    String what = "apart " + Math.sqrt(apart) + " (max " + apartMax + "), exact run moved ";
    what += Math.sqrt(moved) + ", sum of rates " + rates;
    LoggerFactory.getLogger(SparkPretrainerTest.class).info("--sync-every 3 against 1: {}", what);
    // not exact; nearer the exact run than the exact run is to its start, and no parameter
    // further from it than two runs of AdamW steps of at most the rate each
    assertTrue(apartMax > 1e-5, "averaging changed nothing: " + what);
    assertTrue(apart < moved, what);
    assertTrue(apartMax < 2 * rates, what);
    VisionTransformer vt =
        VisionTransformer.load(out.resolve("backbone").resolve(Pretrainer.BACKBONE_FILE));
    String name = "vit/block1/mlp/fc2/w";
    assertEquals(averaged.get(name), vt.sameDiff().getVariable(name).getArr(), name);
    assertEquals(2L * 3 * 4 * sync.parameters() * 2 / 3, sync.bytesPerStep(2, 3));
  }

  private static PixelKMeansTokenizer load() {
    return PixelKMeansTokenizer.load(Path.of(tokenizer));
  }
}
