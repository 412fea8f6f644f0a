package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.data.SyntheticImages;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.VisionTransformer.Pool;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VisualTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FeatureSourceTest {

  private static LabelledImages images;
  private static VisionTransformer vit;

  @BeforeAll
  static void setUp() {
    images = LabelledImages.load(new SyntheticImages(40, 1, 28, 28, 4, 3), 0, 0);
    vit = VisionTransformer.build(VitConfig.test(), 11);
  }

  @Test
  void pixelsAreTheFlattenedImages() {
    INDArray x = images.images(0, 5);
    INDArray f = FeatureSource.pixels().features(x);
    assertArrayEquals(new long[] {5, 784}, f.shape());
    assertEquals(x.getFloat(3, 0, 10, 7), f.getFloat(3, 10 * 28 + 7), 0);
  }

  @Test
  void vitFeaturesHaveTheWidthForBothPoolsAndDiffer() {
    INDArray x = images.images(0, 6);
    INDArray cls = FeatureSource.vit("cls", "", vit, Pool.CLS, null).features(x);
    INDArray mean = FeatureSource.vit("mean", "", vit, Pool.MEAN, null).features(x);
    assertArrayEquals(new long[] {6, 32}, cls.shape());
    assertArrayEquals(new long[] {6, 32}, mean.shape());
    double diff = cls.sub(mean).norm2Number().doubleValue();
    assertTrue(diff > 0.1 * cls.norm2Number().doubleValue(), "CLS and MEAN differ by " + diff);
    // the graph of vit pools [CLS]: the flag CLS gives exactly the graph's output
    assertArrayEquals(vit.pooled(x).data().asFloat(), cls.data().asFloat(), 0f);
  }

  @Test
  void javaPoolingEqualsTheGraphsPoolingForBothFlags() {
    INDArray x = images.images(0, 4);
    VisionTransformer meanGraph =
        VisionTransformer.build(VitConfig.test(), 11, 0, Pool.MEAN, DataType.FLOAT);
    INDArray tokens = meanGraph.features(x); // [4, 50, 32]
    assertArrayEquals(
        meanGraph.pooled(x).data().asFloat(),
        VisionTransformer.pool(tokens, Pool.MEAN).data().asFloat(),
        1e-6f);
    assertArrayEquals(
        vit.pooled(x).data().asFloat(),
        VisionTransformer.pool(vit.features(x), Pool.CLS).data().asFloat(),
        0f);
    // same seed, same parameters: the CLS model asked for MEAN gives the MEAN graph's output
    assertArrayEquals(
        meanGraph.pooled(x).data().asFloat(), vit.pooled(x, Pool.MEAN).data().asFloat(), 1e-6f);
  }

  @Test
  void teacherFeaturesAreTheMeanOfItsPatchFeatures() {
    Teacher t = new FixedTeacher();
    INDArray f = FeatureSource.teacher("t", "fake", t).features(images.images(0, 3));
    assertArrayEquals(new long[] {3, 2}, f.shape());
    // patch features of image b: (b + n, -n) for n = 0..3; means (b + 1.5, -1.5)
    assertEquals(2.5, f.getDouble(1, 0), 1e-6);
    assertEquals(-1.5, f.getDouble(2, 1), 1e-6);
  }

  @Test
  void tokenFeaturesAreEachImagesHistogramOfCodes() {
    // image b gets the codes {b, b, 0, 3} on a 2 x 2 grid of a 4-code vocabulary
    VisualTokenizer tok =
        new VisualTokenizer() {
          @Override
          public int[][] tokenize(INDArray x) {
            int[][] w = new int[(int) x.size(0)][];
            for (int b = 0; b < w.length; b++) {
              w[b] = new int[] {b, b, 0, 3};
            }
            return w;
          }

          @Override
          public int codebookSize() {
            return 4;
          }

          @Override
          public int gridSize() {
            return 2;
          }

          @Override
          public String id() {
            return "fixed";
          }
        };
    INDArray f = FeatureSource.tokens("w", "fixed words", tok).features(images.images(0, 3));
    assertArrayEquals(new long[] {3, 4}, f.shape());
    assertArrayEquals(new float[] {0.75f, 0, 0, 0.25f}, f.getRow(0).toFloatVector(), 1e-6f);
    assertArrayEquals(new float[] {0.25f, 0.5f, 0, 0.25f}, f.getRow(1).toFloatVector(), 1e-6f);
    assertArrayEquals(new float[] {0.25f, 0, 0.5f, 0.25f}, f.getRow(2).toFloatVector(), 1e-6f);
  }

  @Test
  void chunkedExtractionEqualsOnePassAndCountsCalls() {
    AtomicInteger calls = new AtomicInteger();
    FeatureSource counting =
        new FeatureSource(
            "count",
            "",
            x -> {
              calls.incrementAndGet();
              return vit.pooled(x, Pool.MEAN);
            });
    INDArray chunked = counting.extract(images.images(), 16, "test");
    assertEquals(3, calls.get(), "40 images in chunks of 16");
    INDArray whole = counting.extract(images.images(), 100, "test");
    assertArrayEquals(new long[] {40, 32}, chunked.shape());
    assertArrayEquals(whole.data().asFloat(), chunked.data().asFloat(), 1e-5f);
  }

  @Test
  void normalisationIsPerChannel() {
    INDArray x = Nd4j.ones(DataType.FLOAT, 2, 2, 1, 1);
    ChannelStats s = new ChannelStats(new float[] {0.5f, 0f}, new float[] {0.25f, 2f});
    INDArray n = FeatureSource.normalize(x, s);
    assertEquals(2.0, n.getDouble(1, 0, 0, 0), 1e-6);
    assertEquals(0.5, n.getDouble(1, 1, 0, 0), 1e-6);
    assertEquals(1.0, x.getDouble(0, 0, 0, 0), 0, "input untouched");
  }

  @Test
  void badInputGivesClearMessages() {
    FeatureSource wrongRows = new FeatureSource("bad", "", x -> Nd4j.zeros(1, 3));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> wrongRows.features(images.images(0, 4)));
    assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("[1, 3]"), e.getMessage());
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureSource.vit("v", "", vit, Pool.CLS, ChannelStats.IMAGENET));
    assertTrue(e2.getMessage().contains("3 channels"), e2.getMessage());
    INDArray wrongSize = Nd4j.zeros(DataType.FLOAT, 2, 1, 32, 32);
    e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureSource.vit("v", "", vit, Pool.MEAN, null).features(wrongSize));
    assertTrue(e2.getMessage().contains("[B, 1, 28, 28]"), e2.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> FeatureSource.pixels().extract(images.images(), 0, "x"));
    assertThrows(IllegalArgumentException.class, () -> new FeatureSource(" ", "", x -> x));
  }

  /** Image b, patch n has features (b + n, -n), N = 4 patches of width 2. */
  private static final class FixedTeacher implements Teacher {
    @Override
    public INDArray patchFeatures(INDArray images) {
      int b = (int) images.size(0);
      INDArray out = Nd4j.zeros(DataType.FLOAT, b, 4, 2);
      for (int i = 0; i < b; i++) {
        for (int n = 0; n < 4; n++) {
          out.putScalar(new long[] {i, n, 0}, i + n);
          out.putScalar(new long[] {i, n, 1}, -n);
        }
      }
      return out;
    }

    @Override
    public int gridSize() {
      return 2;
    }

    @Override
    public int featureDim() {
      return 2;
    }

    @Override
    public String id() {
      return "fixed";
    }
  }
}
