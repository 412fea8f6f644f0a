package org.beit4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.ImageFolder;
import org.beit4j.pipeline.Artefacts;
import org.beit4j.pipeline.TeacherSource;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * VQ-KD on Spark in {@code local[2]} against the one-process library run: the 12 stripe images,
 * batches of 6 (4 steps cross an epoch), 2 workers of 3 images each computing the features of a
 * tiny CNN teacher trained for one step on the same images, the test tokenizer (64 codes of 8
 * values) with dead codes re-seeded after 2 unused steps, gradients combined by {@code
 * treeAggregate}.
 */
class SparkTokenizerTest {

  private static final int STEPS = 4;

  @TempDir static Path tmp;

  @Test
  void twoWorkersReproduceTheOneProcessRunAndWriteALoadableTokenizer() throws IOException {
    LocalSpark.writeImages(tmp.resolve("data/train"));
    ImageDataset images = ImageFolder.open(tmp.resolve("data/train"), 1);
    CnnTeacherConfig tc = CnnTeacherConfig.test().withNumClasses(2);
    CnnTeacher.train(tc, images, images).save(tmp.resolve("teacher"));
    VqKdConfig config =
        VqKdConfig.test()
            .withQuantizer(VqKdConfig.test().quantizer().withDeadCodeWindow(2))
            .withRun(r -> r.withSteps(STEPS).withBatchSize(6).withLogEvery(2).withReplicas(1));

    VqKdTokenizer one;
    try (Teacher teacher = TeacherSource.cnn(tmp.resolve("teacher")).open(config.gridSize())) {
      one =
          VqKdTokenizer.train(
              config.withTeacherDim(teacher.featureDim()),
              teacher,
              SparkData.batches(images, config),
              "stripes",
              null,
              null);
    }
    String out = "file:" + tmp.resolve("spark-tokenizer");
    SparkTokenizerJob job =
        SparkTokenizerJob.of(
                config, "file:" + tmp.resolve("data"), "file:" + tmp.resolve("teacher"), out)
            .withWorkers(2)
            .withTreeFrom(1);
    SparkTokenizer.Result r = SparkTokenizer.run(LocalSpark.context(), job);
    VqKdTokenizer spark = r.tokenizer();

    List<VqKdTokenizer.StepLog> a = one.history();
    List<VqKdTokenizer.StepLog> b = spark.history();
    assertEquals(2, b.size());
    for (int i = 0; i < a.size(); i++) {
      String at = "step " + a.get(i).step();
      assertEquals(a.get(i).distill(), b.get(i).distill(), 1e-4, "distillation at " + at);
      assertEquals(a.get(i).commitment(), b.get(i).commitment(), 1e-4, "commitment at " + at);
      assertEquals(a.get(i).usedFraction(), b.get(i).usedFraction(), 0, "usage at " + at);
      assertEquals(a.get(i).reseeded(), b.get(i).reseeded(), "re-seeded codes at " + at);
    }
    assertTrue(a.get(1).reseeded() > 0, "dead codes were re-seeded: " + a);
    assertTrue(a.get(1).distill() < a.get(0).distill(), "it trained: " + a);
    double codebook = one.codebook().sub(spark.codebook()).amaxNumber().doubleValue();
    assertTrue(codebook < 1e-4, "codebooks differ by " + codebook);
    int compared = 0;
    for (SDVariable v : one.graph().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        INDArray mine = spark.graph().getVariable(v.name()).getArr();
        double diff = v.getArr().sub(mine).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, v.name() + " differs by " + diff);
        compared++;
      }
    }
    assertTrue(compared > 20, compared + " parameters");
    assertEquals(2 * STEPS, r.stepSeconds().length + r.taskSeconds().length);

    // what bin/beit4j pretrain --tokenizer reads: the same codebook, the same codes
    VqKdTokenizer loaded =
        assertInstanceOf(VqKdTokenizer.class, Artefacts.tokenizer(tmp.resolve("spark-tokenizer")));
    assertEquals(spark.codebook(), loaded.codebook());
    INDArray x = SparkData.batches(images, config).next().getFeatures(0); // [6, 1, 28, 28]
    int[][] expected = one.tokenize(x);
    int[][] actual = loaded.tokenize(x);
    int same = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        same += expected[i][j] == actual[i][j] ? 1 : 0;
      }
    }
    assertTrue(same >= 0.95 * 6 * 49, same + " of " + 6 * 49 + " codes agree");
    List<String> rows = Files.readAllLines(tmp.resolve("spark-tokenizer/metrics.csv"));
    assertEquals(3, rows.size(), "header and two logs: " + rows);
    // the output is not overwritten
    assertThrows(
        IllegalArgumentException.class, () -> SparkTokenizer.run(LocalSpark.context(), job));
  }
}
