package org.beit4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainCheckpoint;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    writeImages(tmp.resolve("data/train"));
    data = "file:" + tmp.resolve("data");
    Path tok = tmp.resolve("tokenizer");
    INDArray images =
        SparkData.batches(SparkData.open(tmp.resolve("data").toString(), 1), config(), false)
            .batchOf(0, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
            .getFeatures(0); // [12, 1, 28, 28]
    PixelKMeansTokenizer.fit(images, 4, 8, false, 10, 3).save(tok);
    tokenizer = tok.toString();
    config = config();
    sc =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("beit4j-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    whole = SparkPretrainer.run(sc, job("whole"));
  }

  @AfterAll
  static void tearDown() {
    if (sc != null) {
      sc.stop();
    }
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

  /** Two classes of 6 stripe images (horizontal, vertical) with noise, as grey PNGs. */
  private static void writeImages(Path train) throws IOException {
    Random r = new Random(5);
    for (int c = 0; c < 2; c++) {
      Path dir = Files.createDirectories(train.resolve("class" + c));
      for (int i = 0; i < 6; i++) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        int period = 2 + i % 3;
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            boolean on = ((c == 0 ? y : x) / period) % 2 == 0;
            int v = (on ? 200 : 50) + r.nextInt(30);
            img.getRaster().setSample(x, y, 0, v);
          }
        }
        ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
      }
    }
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

  private static PixelKMeansTokenizer load() {
    return PixelKMeansTokenizer.load(Path.of(tokenizer));
  }
}
