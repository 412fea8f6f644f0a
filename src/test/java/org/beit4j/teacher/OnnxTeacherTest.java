package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * OnnxTeacher against the tiny torch ViT of src/test/fixtures/onnx/make_tiny_vit.py: golden tokens
 * from torch, [CLS] dropping, 4x4 -> 2x2 pooling, normalisation, resizing, grey replication and the
 * errors a user meets.
 */
class OnnxTeacherTest {

  private static final double TOL = 1e-4;

  static Path fixture(String name) {
    try {
      return Path.of(OnnxTeacherTest.class.getResource("/fixtures/onnx/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static INDArray npy(String name) {
    return Nd4j.createFromNpyFile(fixture(name + ".npy").toFile()).castTo(DataType.FLOAT);
  }

  /** Raw pixels in, grid 4 (no pooling), [CLS] dropped, one ORT thread. */
  static OnnxTeacherConfig tiny(int gridSize) {
    return OnnxTeacherConfig.of(fixture("tiny_vit.onnx"), 32, gridSize).withThreads(1);
  }

  /** {@code [B, 17, D]} -> the 16 patch tokens {@code [B, 16, D]}. */
  static INDArray patches(INDArray tokens) {
    return tokens.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 17), NDArrayIndex.all()).dup();
  }

  static void assertClose(INDArray expected, INDArray actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape(), "shape");
    double maxDiff = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(maxDiff <= tol, "max |diff| = " + maxDiff + " > " + tol);
  }

  @Test
  void givesTorchPatchTokensWithoutCls() {
    try (OnnxTeacher t = new OnnxTeacher(tiny(4))) {
      INDArray f = t.patchFeatures(npy("input"));
      INDArray expected = patches(npy("expected_tokens"));
      assertClose(expected, f, TOL);
      assertEquals(4, t.gridSize());
      assertEquals(4, t.teacherGridSize());
      assertEquals(16, t.featureDim());
      // the [CLS] token differs from every patch, so keeping it would have shifted the rows
      INDArray withClsShift =
          npy("expected_tokens")
              .get(NDArrayIndex.all(), NDArrayIndex.interval(0, 16), NDArrayIndex.all());
      assertTrue(withClsShift.sub(f).amaxNumber().doubleValue() > 0.1);
    }
  }

  @Test
  void poolsTheFourByFourGridToTwoByTwoByAveraging() {
    INDArray tokens = npy("expected_tokens"); // [2, 17, 16]
    try (OnnxTeacher t = new OnnxTeacher(tiny(2))) {
      INDArray f = t.patchFeatures(npy("input")); // [2, 4, 16]
      assertArrayEquals(new long[] {2, 4, 16}, f.shape());
      assertEquals(2, t.gridSize());
      assertEquals(4, t.teacherGridSize());
      for (int b = 0; b < 2; b++) {
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 2; c++) {
            for (int d = 0; d < 16; d++) {
              double sum = 0;
              for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                  int patch = (2 * r + i) * 4 + (2 * c + j);
                  sum += tokens.getDouble(b, 1 + patch, d);
                }
              }
              assertEquals(
                  sum / 4, f.getDouble(b, r * 2 + c, d), TOL, "b" + b + " r" + r + " c" + c);
            }
          }
        }
      }
    }
  }

  @Test
  void clipNormalisationMatchesTorch() {
    TeacherPreprocessing clip32 = TeacherPreprocessing.clip().withInputSize(32);
    OnnxTeacherConfig cfg =
        OnnxTeacherConfig.clip(fixture("tiny_vit.onnx"), 4)
            .withPreprocessing(clip32)
            .withThreads(1);
    try (OnnxTeacher t = new OnnxTeacher(cfg)) {
      INDArray f = t.patchFeatures(npy("input"));
      assertClose(patches(npy("expected_tokens_clip")), f, TOL);
      // and it is not the un-normalised answer
      assertTrue(patches(npy("expected_tokens")).sub(f).amaxNumber().doubleValue() > 0.1);
    }
  }

  @Test
  void resizesBilinearlyLikeTorchInterpolate() {
    try (OnnxTeacher t = new OnnxTeacher(tiny(4))) {
      INDArray f = t.patchFeatures(npy("input48")); // [2, 3, 48, 48] -> 32x32
      assertClose(patches(npy("expected_tokens_resized")), f, TOL);
    }
  }

  @Test
  void replicatesGreyImagesToThreeChannels() {
    INDArray grey = Nd4j.rand(DataType.FLOAT, 3, 1, 32, 32);
    try (OnnxTeacher t = new OnnxTeacher(tiny(2))) {
      INDArray fromGrey = t.patchFeatures(grey);
      INDArray fromRgb = t.patchFeatures(Nd4j.concat(1, grey, grey, grey));
      assertArrayEquals(new long[] {3, 4, 16}, fromGrey.shape());
      assertClose(fromRgb, fromGrey, 1e-6);
    }
    OnnxTeacherConfig off =
        tiny(2).withPreprocessing(TeacherPreprocessing.identity(32, 3).withReplicateGrey(false));
    try (OnnxTeacher t = new OnnxTeacher(off)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.patchFeatures(grey));
      assertTrue(e.getMessage().contains("1 channels but the teacher expects 3"), e.getMessage());
    }
  }

  @Test
  void projectsFeatures() {
    INDArray p = Nd4j.rand(DataType.FLOAT, 16, 5);
    try (OnnxTeacher plain = new OnnxTeacher(tiny(2));
        OnnxTeacher projected = new OnnxTeacher(tiny(2).withProjection(p))) {
      INDArray x = npy("input");
      INDArray f = plain.patchFeatures(x).reshape(8, 16);
      assertEquals(5, projected.featureDim());
      assertClose(f.mmul(p).reshape(2, 4, 5), projected.patchFeatures(x), 1e-5);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new OnnxTeacher(tiny(2).withProjection(Nd4j.rand(DataType.FLOAT, 15, 5))));
    assertTrue(e.getMessage().contains("[15, 5]") && e.getMessage().contains("[16, Dt]"));
  }

  @Test
  void choosesTheOutputByNameOrIndex() throws IOException {
    try (OnnxTeacher byName = new OnnxTeacher(tiny(4).withOutput("tokens"))) {
      assertClose(patches(npy("expected_tokens")), byName.patchFeatures(npy("input")), TOL);
    }
    IllegalArgumentException pooled =
        assertThrows(IllegalArgumentException.class, () -> new OnnxTeacher(tiny(4).withOutput(1)));
    assertTrue(pooled.getMessage().contains("output 'pooled'"), pooled.getMessage());
    assertTrue(pooled.getMessage().contains("[-1, 16]"), pooled.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> new OnnxTeacher(tiny(4).withOutput("feats")));
    assertTrue(missing.getMessage().contains("[tokens, pooled]"), missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OnnxTeacher(tiny(4).withOutput(2)));
  }

  @Test
  void runsAFixedBatchOfOneModelImageByImage() {
    OnnxTeacherConfig cfg = OnnxTeacherConfig.of(fixture("tiny_vit_b1.onnx"), 32, 2).withThreads(1);
    try (OnnxTeacher b1 = new OnnxTeacher(cfg);
        OnnxTeacher dynamic = new OnnxTeacher(tiny(2))) {
      INDArray x = npy("input"); // a batch of 2
      assertClose(dynamic.patchFeatures(x), b1.patchFeatures(x), 1e-5);
    }
  }

  @Test
  void idNamesTheFileAndItsDigest() throws Exception {
    byte[] bytes = Files.readAllBytes(fixture("tiny_vit.onnx"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    try (OnnxTeacher t = new OnnxTeacher(tiny(2))) {
      assertEquals("onnx:tiny_vit.onnx:" + sha.substring(0, 12), t.id());
    }
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path nowhere = dir.resolve("clip-b16.onnx");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new OnnxTeacher(OnnxTeacherConfig.clip(nowhere, 7)));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
    assertTrue(e.getMessage().contains(nowhere.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void garbageFileIsNotAModel(@TempDir Path dir) throws IOException {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    Path file = dir.resolve("junk.onnx");
    Files.write(file, junk);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new OnnxTeacher(OnnxTeacherConfig.dino(file, 7)));
    assertTrue(e.getMessage().startsWith("Not a valid ONNX model: " + file.toAbsolutePath()));
  }

  @Test
  void gridThatIsNotADivisorIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OnnxTeacher(tiny(3)));
    assertTrue(e.getMessage().contains("4x4 patch grid"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer's 3x3 grid"), e.getMessage());
    assertTrue(e.getMessage().contains("tiny_vit.onnx"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OnnxTeacher(tiny(8)));
  }

  @Test
  void inputSizeThatDoesNotFitTheModelIsRefused() {
    OnnxTeacherConfig cfg = OnnxTeacherConfig.of(fixture("tiny_vit.onnx"), 224, 7);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OnnxTeacher(cfg));
    assertTrue(e.getMessage().contains("input 'pixels'"), e.getMessage());
    assertTrue(e.getMessage().contains("[-1, 3, 32, 32]"), e.getMessage());
    assertTrue(e.getMessage().contains("expected FLOAT [B, C, 224, 224]"), e.getMessage());
  }

  @Test
  void keepingClsGivesANonSquareTokenCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new OnnxTeacher(tiny(4).withDropCls(false)));
    assertTrue(e.getMessage().contains("17 patch tokens"), e.getMessage());
    assertTrue(e.getMessage().contains("set dropCls"), e.getMessage());
  }

  @Test
  void configRejectsBadValues() {
    Path p = Path.of("x.onnx");
    assertThrows(IllegalArgumentException.class, () -> OnnxTeacherConfig.clip(p, 0));
    assertThrows(IllegalArgumentException.class, () -> OnnxTeacherConfig.clip(null, 7));
    assertThrows(IllegalArgumentException.class, () -> OnnxTeacherConfig.clip(p, 7).withOutput(-1));
    assertThrows(
        IllegalArgumentException.class, () -> OnnxTeacherConfig.clip(p, 7).withThreads(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> OnnxTeacherConfig.clip(p, 7).withProjection(Nd4j.rand(DataType.FLOAT, 2, 3, 4)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TeacherPreprocessing(224, new double[] {0.5}, new double[] {0.5, 0.5}, true));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TeacherPreprocessing(224, new double[] {0.5}, new double[] {0}, true));
  }
}
