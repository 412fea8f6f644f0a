package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformsTest {

  private static final Image PHOTO = new SyntheticImages(1, 3, 40, 60, 1, 7).image(0);

  private static float min(Image img) {
    float m = Float.MAX_VALUE;
    for (float v : img.pixels()) {
      m = Math.min(m, v);
    }
    return m;
  }

  private static float max(Image img) {
    float m = -Float.MAX_VALUE;
    for (float v : img.pixels()) {
      m = Math.max(m, v);
    }
    return m;
  }

  @Test
  void resizeGivesShapeKeepsRangeAndConstants() {
    Image out = Transforms.resize(16, 24).apply(PHOTO, new SplittableRandom(1));
    assertEquals(3, out.channels());
    assertEquals(16, out.height());
    assertEquals(24, out.width());
    assertTrue(min(out) >= min(PHOTO) && max(out) <= max(PHOTO));
    float[] flat = new float[2 * 5 * 5];
    Arrays.fill(flat, 0.25f);
    Image constant = Transforms.resize(9, 3).apply(new Image(2, 5, 5, flat), null);
    for (float v : constant.pixels()) {
      assertEquals(0.25f, v, 1e-7);
    }
  }

  @Test
  void bilinearUpsamplingOfTwoPixels() {
    // row [0, 1] to width 4: centres at -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1
    Image in = new Image(1, 1, 2, new float[] {0, 1});
    Image out = Transforms.resize(1, 4).apply(in, null);
    assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, out.pixels(), 1e-6f);
  }

  @Test
  void flipMirrorsAndIsItsOwnInverse() {
    Image in = new Image(1, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
    Image f = Transforms.horizontalFlip(1).apply(in, new SplittableRandom(0));
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, f.pixels());
    assertArrayEquals(in.pixels(), Transforms.flip(f).pixels());
    assertSame(in, Transforms.horizontalFlip(0).apply(in, new SplittableRandom(0)));
    int flips = 0;
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      flips += Transforms.horizontalFlip(0.5).apply(in, rng) != in ? 1 : 0;
    }
    assertEquals(500, flips, 50);
  }

  @Test
  void randomCropBoxesRespectTheScaleRange() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 500; i++) {
      CropBox b = CropBox.random(100, 150, 0.2, 0.6, 3.0 / 4, 4.0 / 3, rng);
      double frac = (double) b.height() * b.width() / (100 * 150);
      assertTrue(frac > 0.19 && frac < 0.61, "area fraction " + frac);
      double ratio = (double) b.width() / b.height();
      assertTrue(ratio > 0.74 && ratio < 1.35, "ratio " + ratio);
      assertTrue(b.top() + b.height() <= 100 && b.left() + b.width() <= 150);
    }
  }

  @Test
  void randomResizedCropShapeRangeAndSeeding() {
    ImageTransform t = Transforms.randomResizedCrop(32, 32, 0.1, 1);
    Image a = t.apply(PHOTO, new SplittableRandom(5));
    Image b = t.apply(PHOTO, new SplittableRandom(5));
    Image c = t.apply(PHOTO, new SplittableRandom(6));
    assertEquals(32, a.height());
    assertEquals(32, a.width());
    assertTrue(min(a) >= min(PHOTO) && max(a) <= max(PHOTO));
    assertArrayEquals(a.pixels(), b.pixels());
    assertFalse(Arrays.equals(a.pixels(), c.pixels()));
  }

  @Test
  void normalizeUsesMeanAndStdPerChannel() {
    ChannelStats s = new ChannelStats(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.125f});
    Image in = new Image(2, 1, 2, new float[] {0, 1, 0.25f, 0.5f});
    Image out = Transforms.normalize(s).apply(in, null);
    assertArrayEquals(new float[] {-1, 1, 0, 2}, out.pixels(), 1e-6f);
    assertArrayEquals(new float[] {0, 1, 0.25f, 0.5f}, in.pixels()); // input untouched
  }

  @Test
  void configBuildsAugmentedNormalisedViews() {
    TransformConfig cfg =
        TransformConfig.augmented(24, 1).withNormalization(ChannelStats.FASHION_MNIST);
    Image out = cfg.build().apply(PHOTO, new SplittableRandom(2));
    assertEquals(1, out.channels());
    assertEquals(24, out.height());
    float lo = (0 - FashionMnist.MEAN) / FashionMnist.STD;
    float hi = (1 - FashionMnist.MEAN) / FashionMnist.STD;
    assertTrue(min(out) >= lo - 1e-5 && max(out) <= hi + 1e-5);
    assertTrue(min(out) < 0, "normalised values go below 0");
  }

  @Test
  void configValidationNamesFieldAndValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TransformConfig.plain(32, 3).withScale(0.5, 0.2));
    assertTrue(e.getMessage().contains("[0.5, 0.2]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> TransformConfig.plain(32, 3).withFlip(1.5));
    assertTrue(e.getMessage().contains("flipProbability must be in [0, 1], got 1.5"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TransformConfig.plain(32, 3).withNormalization(ChannelStats.FASHION_MNIST));
    assertTrue(e.getMessage().contains("normalization has 1 channels but channels = 3"));
  }

  @Test
  void twoViewsShareCropAndFlip() {
    TwoViewTransform same = new TwoViewTransform(16, 16, 3, 0.3, 1, 0.5, null);
    for (int seed = 0; seed < 5; seed++) {
      Image[] v = same.apply(PHOTO, new SplittableRandom(seed));
      assertArrayEquals(v[0].pixels(), v[1].pixels()); // same box, same flip, same size
    }
    TwoViewTransform beit = TwoViewTransform.beitV2(16, 3, ChannelStats.IMAGENET);
    Image[] v = beit.apply(PHOTO, new SplittableRandom(9));
    Image tok = v[TwoViewTransform.TOKENIZER_VIEW];
    Image vit = v[TwoViewTransform.VIT_VIEW];
    assertTrue(min(tok) >= 0 && max(tok) <= 1);
    for (int c = 0; c < 3; c++) {
      float expect =
          (tok.get(c, 3, 4) - ChannelStats.IMAGENET.mean()[c]) / ChannelStats.IMAGENET.std()[c];
      assertEquals(expect, vit.get(c, 3, 4), 1e-5);
    }
    TwoViewTransform sizes = new TwoViewTransform(8, 20, 1, 0.5, 1, 0, null);
    Image[] w = sizes.apply(PHOTO, new SplittableRandom(1));
    assertEquals(8, w[TwoViewTransform.TOKENIZER_VIEW].height());
    assertEquals(20, w[TwoViewTransform.VIT_VIEW].width());
    assertEquals(1, w[TwoViewTransform.VIT_VIEW].channels());
    assertNotEquals(w[0].size(), w[1].size());
  }
}
