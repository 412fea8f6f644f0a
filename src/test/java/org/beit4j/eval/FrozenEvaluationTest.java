package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.beit4j.data.Image;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.SyntheticImages;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FrozenEvaluationTest {

  private static final FrozenEvalConfig CONFIG =
      FrozenEvalConfig.defaults().withLimits(300, 200).withSeed(5).withChunk(256);

  private static SyntheticImages data(int size, int classes, long seed) {
    return new SyntheticImages(size, 1, 28, 28, classes, seed);
  }

  @Test
  void pixelsOfSeparableClassesBeatChanceInBothMeasuresWithOneExtraction() {
    FrozenEvaluation eval = FrozenEvaluation.of(data(1000, 4, 1), data(500, 4, 2), CONFIG);
    assertEquals(300, eval.train().size());
    assertEquals(200, eval.test().size());
    AtomicInteger calls = new AtomicInteger();
    FeatureSource pixels = FeatureSource.pixels();
    FeatureSource counted =
        new FeatureSource(
            pixels.name(),
            pixels.description(),
            x -> {
              calls.incrementAndGet();
              return pixels.features(x);
            });
    ProbeResult r = eval.evaluate(counted);
    // chance is 0.25; the classes differ in brightness and stripe direction
    assertTrue(r.linearTop1() > 0.6, "linear " + r.linearTop1());
    assertTrue(r.knnTop1() > 0.6, "k-NN " + r.knnTop1());
    assertEquals(
        2 + 1, calls.get(), "300 train images in 2 chunks of 256, 200 test in 1, once each");
    assertEquals(300, r.trainImages());
    assertEquals(200, r.testImages());
    assertEquals("pixels", r.name());
    assertTrue(r.seconds() > 0);
  }

  @Test
  void featuresWithoutClassInformationScoreNearChance() {
    FrozenEvaluation eval = FrozenEvaluation.of(data(1000, 4, 1), data(500, 4, 2), CONFIG);
    Nd4j.getRandom().setSeed(3);
    ProbeResult r =
        eval.evaluate(
            new FeatureSource(
                "noise",
                "",
                x -> Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, x.size(0), 16)));
    // 200 test rows: binomial sd ~0.03 around 0.25
    assertEquals(0.25, r.linearTop1(), 0.13, "linear on noise");
    assertEquals(0.25, r.knnTop1(), 0.13, "k-NN on noise");
  }

  @Test
  void theSubsetIsSeededAndMatchesTheLoaders() {
    SyntheticImages set = data(1000, 7, 1);
    LabelledImages a = LabelledImages.load(set, 50, 9);
    LabelledImages b = LabelledImages.load(set, 50, 9);
    LabelledImages c = LabelledImages.load(set, 50, 10);
    assertArrayEquals(a.labels(), b.labels());
    assertArrayEquals(a.images().data().asFloat(), b.images().data().asFloat(), 0f);
    assertFalse(Arrays.equals(a.images().data().asFloat(), c.images().data().asFloat()));
    assertTrue(a.source().contains("50 of 1000 (seed 9)"), a.source());
    assertEquals(1000, LabelledImages.load(set, 0, 9).size());
  }

  @Test
  void badInputGivesClearMessages() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FrozenEvaluation.of(data(100, 4, 1), data(100, 3, 2), CONFIG));
    assertTrue(e.getMessage().contains("4 classes but test split 3"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FrozenEvaluation.of(new EmptySet(), data(100, 4, 2), CONFIG));
    assertTrue(e.getMessage().contains("empty-set is empty"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> LabelledImages.load(data(10, 1, 1), 0, 0));
    assertTrue(e.getMessage().contains(">= 2"), e.getMessage());
    INDArray f = Nd4j.rand(10, 3);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FrozenEvaluation.score(
                    "x", "", f, new int[9], Nd4j.rand(5, 3), new int[5], 2, CONFIG));
    assertTrue(e.getMessage().contains("10 feature rows but 9 labels"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FrozenEvaluation.score(
                    "x", "", f, new int[10], Nd4j.rand(5, 4), new int[5], 2, CONFIG));
    assertTrue(e.getMessage().contains("3 columns but test features 4"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> FrozenEvalConfig.defaults().withLimits(-1, 0));
    assertTrue(e.getMessage().contains("trainLimit"), e.getMessage());
  }

  /** A labelled set with no images. */
  private static final class EmptySet implements ImageDataset {
    @Override
    public int size() {
      return 0;
    }

    @Override
    public Image image(int i) {
      throw new IndexOutOfBoundsException(i);
    }

    @Override
    public int label(int i) {
      throw new IndexOutOfBoundsException(i);
    }

    @Override
    public int numClasses() {
      return 4;
    }

    @Override
    public List<String> classNames() {
      return List.of("a", "b", "c", "d");
    }

    @Override
    public String source() {
      return "empty-set";
    }
  }
}
