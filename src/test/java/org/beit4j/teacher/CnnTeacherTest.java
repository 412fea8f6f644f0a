package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.data.SyntheticImages;
import org.beit4j.io.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The tiny CNN teacher on synthetic 28x28 images: grid, errors, freezing, save/load. */
class CnnTeacherTest {

  private static final SyntheticImages TRAIN = new SyntheticImages(256, 1, 28, 28, 10, 1);
  private static final SyntheticImages TEST = new SyntheticImages(200, 1, 28, 28, 10, 2);
  private static CnnTeacher teacher;

  @BeforeAll
  static void train() {
    teacher = CnnTeacher.train(CnnTeacherConfig.test().withEpochs(6), TRAIN, TEST);
  }

  @Test
  void featuresLieOnTheSevenBySevenGrid() {
    INDArray images = Nd4j.rand(3, 1, 28, 28);
    INDArray f = teacher.patchFeatures(images);
    assertArrayEquals(new long[] {3, 49, 16}, f.shape());
    assertEquals(7, teacher.gridSize());
    assertEquals(16, teacher.featureDim());
    assertTrue(f.norm2Number().doubleValue() > 0, "features are not all zero");
    assertArrayEquals(new long[] {3, 10}, teacher.logits(images).shape());
  }

  @Test
  void twoReplicasTrainTheSameTeacherAsOne() {
    // 100 images in batches of 32: the last batch of 4 splits 2 + 2, the others 16 + 16
    CnnTeacherConfig cfg = CnnTeacherConfig.test().withEpochs(1).withTrainLimit(100);
    CnnTeacher one = CnnTeacher.train(cfg, TRAIN, TEST, 1);
    CnnTeacher two = CnnTeacher.train(cfg, TRAIN, TEST, 2);
    INDArray images = Nd4j.rand(6, 1, 28, 28);
    INDArray a = one.patchFeatures(images);
    INDArray b = two.patchFeatures(images);
    double diff = a.sub(b).amaxNumber().doubleValue();
    assertTrue(diff < 1e-4 * a.amaxNumber().doubleValue(), "features differ by " + diff);
    assertNotEquals(a, CnnTeacher.train(cfg.withEpochs(2), TRAIN, TEST, 2).patchFeatures(images));
  }

  @Test
  void learnsTheSyntheticClasses() {
    // chance is 0.1; the classes differ in brightness and stripes
    assertTrue(teacher.testAccuracy() > 0.3, "test accuracy " + teacher.testAccuracy());
    assertEquals(teacher.testAccuracy(), teacher.accuracy(TEST), 1e-12);
  }

  @Test
  void refusesImagesOfTheWrongShapeWithAClearMessage() {
    IllegalArgumentException rgb =
        assertThrows(
            IllegalArgumentException.class, () -> teacher.patchFeatures(Nd4j.rand(2, 3, 28, 28)));
    assertTrue(rgb.getMessage().contains("[B, 1, 28, 28]"), rgb.getMessage());
    assertTrue(rgb.getMessage().contains("[2, 3, 28, 28]"), rgb.getMessage());
    IllegalArgumentException big =
        assertThrows(
            IllegalArgumentException.class, () -> teacher.patchFeatures(Nd4j.rand(2, 1, 32, 32)));
    assertTrue(big.getMessage().contains("7x7 grid"), big.getMessage());
    assertTrue(big.getMessage().contains("[2, 1, 32, 32]"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> teacher.patchFeatures(Nd4j.rand(28, 28)));
  }

  @Test
  void configRejectsSizesOffTheStrideFourGrid() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new CnnTeacherConfig(
                    1, 30, 4, 8, 8, 1, 16, 10, 1, 32, 1e-3, 0, 0, 1, false, false, 0));
    assertTrue(e.getMessage().contains("imageSize") && e.getMessage().contains("30"));
    assertEquals(
        CnnTeacherConfig.test(), CnnTeacherConfig.fromMap(CnnTeacherConfig.test().toMap()));
    assertEquals(
        CnnTeacherConfig.fashionMnist(),
        CnnTeacherConfig.fromMap(CnnTeacherConfig.fashionMnist().toMap()));
    IllegalArgumentException hidden =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new CnnTeacherConfig(
                    1, 28, 4, 8, 8, 1, 16, 10, 1, 32, 1e-3, 0, 0, 1, false, true, -3));
    assertTrue(
        hidden.getMessage().contains("headHidden") && hidden.getMessage().contains("-3"),
        hidden.getMessage());
  }

  @Test
  void isFrozenFeaturesDoNotChangeWithUse() {
    INDArray images = Nd4j.rand(4, 1, 28, 28);
    String id = teacher.id();
    INDArray before = teacher.patchFeatures(images).dup();
    teacher.logits(Nd4j.rand(8, 1, 28, 28));
    teacher.accuracy(TEST);
    teacher.patchFeatures(Nd4j.rand(5, 1, 28, 28));
    INDArray after = teacher.patchFeatures(images);
    assertEquals(before, after);
    assertEquals(id, teacher.id());
  }

  @Test
  void saveLoadRoundTripGivesIdenticalFeaturesAndKeepsProvenance(@TempDir Path dir) {
    Path saved = dir.resolve("teacher");
    teacher.save(saved);
    CnnTeacher loaded = CnnTeacher.load(saved);
    INDArray images = Nd4j.rand(4, 1, 28, 28);
    assertEquals(teacher.patchFeatures(images), loaded.patchFeatures(images));
    assertEquals(teacher.id(), loaded.id());
    assertEquals(teacher.config(), loaded.config());
    assertEquals(teacher.testAccuracy(), loaded.testAccuracy(), 0.0);
    Provenance p = Provenance.load(saved);
    assertEquals(CnnTeacher.KIND, p.kind());
    assertEquals(teacher.testAccuracy(), Double.parseDouble(p.extra().get("testAccuracy")), 0.0);
    assertEquals(CnnTeacherConfig.test().seed(), p.seed());
    assertTrue(p.data().contains(TRAIN.source()), p.data());
    assertTrue(p.steps() > 0);
  }

  @Test
  void trainOrLoadReusesAMatchingTeacherAndRetrainsOtherwise(@TempDir Path dir) {
    CnnTeacherConfig cfg = CnnTeacherConfig.test();
    Path saved = dir.resolve("t");
    CnnTeacher first = CnnTeacher.trainOrLoad(saved, cfg, TRAIN, TEST);
    String created = Provenance.load(saved).created();
    CnnTeacher again = CnnTeacher.trainOrLoad(saved, cfg, TRAIN, TEST);
    assertEquals(first.id(), again.id());
    assertEquals(created, again.provenance().created(), "reused, not retrained");
    CnnTeacher other = CnnTeacher.trainOrLoad(saved, cfg.withSeed(99), TRAIN, TEST);
    assertNotEquals(first.id(), other.id());
    assertEquals(99, Provenance.load(saved).seed());
    assertTrue(Files.exists(saved.resolve(CnnTeacher.GRAPH_FILE)));
  }

  @Test
  void loadRefusesOtherArtefacts(@TempDir Path dir) {
    Provenance.of("tokenizer", "x", "d", 1, 1, null).save(dir);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CnnTeacher.load(dir));
    assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
  }
}
