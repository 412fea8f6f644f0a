package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.quantizer.Codebook;
import org.beit4j.quantizer.CodebookHealth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training, tokenizing, decoding, save/load and input checks on a tiny synthetic run. */
class VqKdTokenizerTest {

  private static final VqKdConfig CFG =
      VqKdConfig.test().withRun(r -> r.withSteps(20).withLogEvery(5));
  private static PixelTeacher teacher;
  private static VqKdTokenizer tokenizer;
  private static INDArray images;

  static ImageBatchIterator synthetic(int size, int batch) {
    return ImageBatchIterator.of(
        new SyntheticImages(size, 1, 28, 28, 10, 5),
        TransformConfig.plain(28, 1),
        LoaderConfig.of(batch));
  }

  @BeforeAll
  static void train() {
    Beit4j.init();
    teacher = new PixelTeacher(28, 7, 1, CFG.teacherDim(), 11);
    tokenizer =
        VqKdTokenizer.train(
            CFG, teacher, synthetic(160, CFG.run().batchSize()), "synthetic 160", null, null);
    images = synthetic(8, 8).next().getFeatures(0);
  }

  @Test
  void lossFallsAndLogsAreFilled() {
    List<VqKdTokenizer.StepLog> h = tokenizer.history();
    assertEquals(4, h.size());
    VqKdTokenizer.StepLog first = h.get(0);
    VqKdTokenizer.StepLog last = h.get(h.size() - 1);
    assertEquals(20, last.step());
    assertTrue(first.distill() > 0 && first.distill() < 2, "captured loss " + first);
    assertTrue(last.distill() < 0.8 * first.distill(), first + " -> " + last);
    assertTrue(last.usedFraction() > 0 && last.perplexity() >= 1, last.toString());
  }

  @Test
  void tokenizeEncodeDecodeShapesAndDeterminism() {
    int[][] a = tokenizer.tokenize(images);
    int[][] b = tokenizer.tokenize(images);
    assertEquals(8, a.length);
    assertEquals(49, a[0].length);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
      for (int z : a[i]) {
        assertTrue(z >= 0 && z < 64, "code " + z);
      }
    }
    INDArray e = tokenizer.encode(images);
    assertArrayEquals(new long[] {8, 49, 8}, e.shape());
    // each token is the nearest code of its encoder output (eq. 1 by brute force)
    Codebook cb = Codebook.of(CFG.quantizer(), tokenizer.codebook(), 0);
    int[] brute = cb.nearest(e.reshape(8 * 49, 8));
    for (int i = 0; i < 8; i++) {
      for (int n = 0; n < 49; n++) {
        assertEquals(brute[i * 49 + n], a[i][n]);
      }
    }
    INDArray o = tokenizer.decode(a);
    assertArrayEquals(new long[] {8, 49, 16}, o.shape());
    assertTrue(o.amaxNumber().doubleValue() > 0);
  }

  @Test
  void saveLoadGivesIdenticalTokensAndOutputs(@TempDir Path dir) {
    Path out = dir.resolve("tok");
    tokenizer.save(out);
    VqKdTokenizer loaded = VqKdTokenizer.load(out);
    int[][] a = tokenizer.tokenize(images);
    int[][] b = loaded.tokenize(images);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
    assertEquals(tokenizer.decode(a), loaded.decode(a));
    assertEquals(tokenizer.codebook(), loaded.codebook());
    assertEquals(CFG.encoder(), loaded.config().encoder());
    assertEquals(CFG.quantizer(), loaded.config().quantizer());
    assertEquals(CFG.steps(), loaded.config().steps());
    assertEquals(teacher.id(), loaded.provenance().extra().get("teacher"));
    assertEquals("synthetic 160", loaded.provenance().data());
    assertEquals(20, loaded.provenance().steps());
    assertEquals(CFG.seed(), loaded.provenance().seed());
    assertEquals(tokenizer.id(), loaded.id());
  }

  @Test
  void healthCountsEveryTokenOfTheDataset() {
    CodebookHealth h = tokenizer.health(synthetic(40, 16));
    long total = 0;
    for (long c : h.counts()) {
      total += c;
    }
    assertEquals(40 * 49, total);
    assertEquals(64, h.codebookSize());
    assertTrue(h.usedFraction() > 0.1, h.toString());
  }

  @Test
  void teacherGridMismatchIsRefused() {
    PixelTeacher small = new PixelTeacher(27, 3, 1, 16, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VqKdTokenizer.train(CFG, small, synthetic(16, 16), "x", null, null));
    assertTrue(e.getMessage().contains("3x3") && e.getMessage().contains("7x7"), e.getMessage());
  }

  @Test
  void teacherWidthMismatchIsRefused() {
    PixelTeacher wide = new PixelTeacher(28, 7, 1, 12, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VqKdTokenizer.train(CFG, wide, synthetic(16, 16), "x", null, null));
    assertTrue(e.getMessage().contains("width 12") && e.getMessage().contains("teacherDim 16"));
  }

  @Test
  void wrongImageSizeIsRefused() {
    INDArray bad = Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenize(bad));
    assertTrue(e.getMessage().contains("[2, 1, 32, 32]"), e.getMessage());
    assertTrue(e.getMessage().contains("[B, 1, 28, 28]"), e.getMessage());
  }

  @Test
  void missingOrInvalidFilesAreRefused(@TempDir Path dir) throws Exception {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> VqKdTokenizer.load(dir.resolve("nothing")));
    assertTrue(missing.getMessage().contains("nothing there"), missing.getMessage());
    Path out = dir.resolve("tok");
    tokenizer.save(out);
    Files.writeString(out.resolve("graph.sdz"), "not a graph");
    IllegalArgumentException cut =
        assertThrows(IllegalArgumentException.class, () -> VqKdTokenizer.load(out));
    assertTrue(cut.getMessage().contains("graph.sdz is truncated: 11 of "), cut.getMessage());
    Files.delete(out.resolve(org.beit4j.io.Manifest.FILE_NAME)); // as written before manifests
    IllegalArgumentException invalid =
        assertThrows(IllegalArgumentException.class, () -> VqKdTokenizer.load(out));
    assertTrue(invalid.getMessage().contains("Not a valid SameDiff graph"), invalid.getMessage());
    Files.delete(out.resolve("vqkd.properties"));
    IllegalArgumentException noConfig =
        assertThrows(IllegalArgumentException.class, () -> VqKdTokenizer.load(out));
    assertTrue(noConfig.getMessage().contains("vqkd.properties"), noConfig.getMessage());
  }
}
