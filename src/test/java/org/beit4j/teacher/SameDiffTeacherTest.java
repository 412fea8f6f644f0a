package org.beit4j.teacher;

import static org.beit4j.teacher.OnnxTeacherTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * SameDiffTeacher on a tiny graph built and saved here: 8x8 RGB images cut into a 4x4 grid of 2x2
 * patches, a linear map to 6 features, and a [CLS] token (the patch mean) in front.
 */
class SameDiffTeacherTest {

  @TempDir static Path dir;
  static Path graphFile;
  static SameDiff reference;

  @BeforeAll
  static void buildAndSave() {
    Beit4j.init();
    Nd4j.getRandom().setSeed(11);
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("pixels", DataType.FLOAT, -1, 3, 8, 8); // [B, 3, 8, 8]
    SDVariable w = sd.var("embed/w", Nd4j.rand(DataType.FLOAT, 12, 6).subi(0.5)); // [12, 6]
    SDVariable grid = x.reshape(-1, 3, 4, 2, 4, 2).permute(0, 2, 4, 1, 3, 5); // [B, 4, 4, 3, 2, 2]
    SDVariable flat = grid.reshape(-1, 12); // [B*16, 12]
    SDVariable patches = sd.reshape("patches", flat.mmul(w), -1, 16, 6); // [B, 16, 6]
    SDVariable cls = patches.mean(true, 1); // [B, 1, 6]
    sd.concat("tokens", 1, cls, patches); // [B, 17, 6]
    graphFile = dir.resolve("tiny-teacher.sd");
    sd.save(graphFile.toFile(), false);
    reference = sd;
  }

  static INDArray referenceOutput(INDArray images, String name) {
    return reference.outputSingle(Map.of("pixels", images), name);
  }

  @Test
  void dropsClsAndMatchesTheGraph() {
    INDArray images = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
    SameDiffTeacherConfig cfg = SameDiffTeacherConfig.of(graphFile, "pixels", "tokens", 8, 4);
    try (SameDiffTeacher t = new SameDiffTeacher(cfg)) {
      INDArray expected =
          referenceOutput(images, "tokens")
              .get(NDArrayIndex.all(), NDArrayIndex.interval(1, 17), NDArrayIndex.all());
      assertClose(expected.dup(), t.patchFeatures(images), 1e-6);
      assertEquals(4, t.gridSize());
      assertEquals(6, t.featureDim());
    }
    // the same without [CLS] from the "patches" output
    try (SameDiffTeacher t =
        new SameDiffTeacher(
            SameDiffTeacherConfig.of(graphFile, "pixels", "patches", 8, 4).withDropCls(false))) {
      assertClose(referenceOutput(images, "patches"), t.patchFeatures(images), 1e-6);
    }
  }

  @Test
  void poolsToTwoByTwoByAveragingAndReplicatesGrey() {
    INDArray grey = Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8);
    INDArray rgb = Nd4j.concat(1, grey, grey, grey);
    INDArray patches = referenceOutput(rgb, "patches"); // [2, 16, 6]
    try (SameDiffTeacher t =
        new SameDiffTeacher(SameDiffTeacherConfig.of(graphFile, "pixels", "tokens", 8, 2))) {
      INDArray f = t.patchFeatures(grey);
      assertArrayEquals(new long[] {2, 4, 6}, f.shape());
      assertEquals(4, t.teacherGridSize());
      for (int b = 0; b < 2; b++) {
        for (int cell = 0; cell < 4; cell++) {
          int r = cell / 2;
          int c = cell % 2;
          for (int d = 0; d < 6; d++) {
            double mean =
                (patches.getDouble(b, (2 * r) * 4 + 2 * c, d)
                        + patches.getDouble(b, (2 * r) * 4 + 2 * c + 1, d)
                        + patches.getDouble(b, (2 * r + 1) * 4 + 2 * c, d)
                        + patches.getDouble(b, (2 * r + 1) * 4 + 2 * c + 1, d))
                    / 4;
            assertEquals(mean, f.getDouble(b, cell, d), 1e-6);
          }
        }
      }
      assertTrue(t.id().matches("samediff:tiny-teacher\\.sd:[0-9a-f]{12}"), t.id());
    }
  }

  @Test
  void normalisesAndResizesBeforeTheGraph() {
    INDArray images = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16);
    TeacherPreprocessing dino8 = TeacherPreprocessing.dino().withInputSize(8);
    INDArray prepared = dino8.apply(images, 3); // [1, 3, 8, 8]
    assertArrayEquals(new long[] {1, 3, 8, 8}, prepared.shape());
    try (SameDiffTeacher t =
        new SameDiffTeacher(
            SameDiffTeacherConfig.of(graphFile, "pixels", "patches", 8, 4)
                .withDropCls(false)
                .withPreprocessing(dino8))) {
      assertClose(referenceOutput(prepared, "patches"), t.patchFeatures(images), 1e-6);
    }
    // one resized pixel by hand: 16 -> 8 with half-pixel centres averages pixels 2i and 2i+1
    double p00 =
        (images.getDouble(0, 1, 0, 0)
                + images.getDouble(0, 1, 0, 1)
                + images.getDouble(0, 1, 1, 0)
                + images.getDouble(0, 1, 1, 1))
            / 4;
    assertEquals((p00 - 0.456) / 0.224, prepared.getDouble(0, 1, 0, 0), 1e-5);
  }

  @Test
  void gridMismatchAndBadNamesAreRefused() {
    IllegalArgumentException grid =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SameDiffTeacher(SameDiffTeacherConfig.of(graphFile, "pixels", "tokens", 8, 3)));
    assertTrue(grid.getMessage().contains("4x4 patch grid"), grid.getMessage());
    assertTrue(grid.getMessage().contains("3x3"), grid.getMessage());
    IllegalArgumentException input =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SameDiffTeacher(SameDiffTeacherConfig.of(graphFile, "images", "tokens", 8, 2)));
    assertTrue(input.getMessage().contains("no placeholder 'images'"), input.getMessage());
    IllegalArgumentException output =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SameDiffTeacher(SameDiffTeacherConfig.of(graphFile, "pixels", "feats", 8, 2)));
    assertTrue(output.getMessage().contains("no variable 'feats'"), output.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SameDiffTeacher(
                    SameDiffTeacherConfig.of(graphFile, "pixels", "tokens", 16, 2)));
    assertTrue(size.getMessage().contains("[-1, 3, 8, 8]"), size.getMessage());
  }

  @Test
  void missingAndGarbageFilesAreNamed() throws IOException {
    Path missing = dir.resolve("nope.sd");
    IllegalArgumentException e1 =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SameDiffTeacher(SameDiffTeacherConfig.of(missing, "pixels", "tokens", 8, 2)));
    assertTrue(e1.getMessage().contains("not found: " + missing.toAbsolutePath()), e1.getMessage());
    byte[] junk = new byte[2048];
    new Random(3).nextBytes(junk);
    Path garbage = dir.resolve("junk.sd");
    Files.write(garbage, junk);
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SameDiffTeacher(SameDiffTeacherConfig.of(garbage, "pixels", "tokens", 8, 2)));
    assertTrue(
        e2.getMessage().startsWith("Not a valid SameDiff graph: " + garbage.toAbsolutePath()),
        e2.getMessage());
  }
}
