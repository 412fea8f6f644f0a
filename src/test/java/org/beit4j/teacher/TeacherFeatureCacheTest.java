package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.beit4j.data.ChannelStats;
import org.beit4j.data.Image;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The on-disk teacher-feature cache: cached equals computed, keys keep entries apart. */
class TeacherFeatureCacheTest {

  private static final SyntheticImages DATA = new SyntheticImages(50, 1, 8, 8, 3, 1);

  /** A cheap deterministic teacher: per 4x4 patch of an 8x8 image, its mean and its maximum. */
  private static final class PatchStats implements Teacher {
    private final String id;
    int images;

    PatchStats(String id) {
      this.id = id;
    }

    @Override
    public INDArray patchFeatures(INDArray x) {
      long b = x.size(0);
      images += (int) b;
      INDArray p = x.reshape('c', b, 2, 4, 2, 4).permute(0, 1, 3, 2, 4).dup('c'); // [B,2,2,4,4]
      INDArray flat = p.reshape('c', b, 4, 16); // [B, N, 16]
      return Nd4j.concat(2, flat.mean(true, 2), flat.max(true, 2)); // [B, N, 2]
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
      return id;
    }
  }

  private static INDArray direct(Teacher t, TransformConfig tc, int[] indices) {
    INDArray batch = Nd4j.create(indices.length, 1, 8, 8);
    for (int k = 0; k < indices.length; k++) {
      Image im = tc.build().apply(DATA.image(indices[k]), new SplittableRandom(0));
      batch
          .get(org.nd4j.linalg.indexing.NDArrayIndex.point(k))
          .assign(Nd4j.create(im.pixels(), 1, 8, 8));
    }
    return t.patchFeatures(batch);
  }

  @Test
  void cachedFeaturesEqualComputedOnesAndAreReusedFromDisk(@TempDir Path root) {
    TransformConfig plain = TransformConfig.plain(8, 1);
    int[] idx = {7, 0, 49, 7, 23};
    PatchStats t = new PatchStats("stats");
    TeacherFeatureCache cache = new TeacherFeatureCache(t, DATA, plain, root, 16);
    INDArray cached = cache.features(idx);
    assertArrayEquals(new long[] {5, 4, 2}, cached.shape());
    assertEquals(direct(new PatchStats("x"), plain, idx), cached);
    // chunks of 16: indices 0..15, 16..31, 48..49 were computed, 32..47 not
    assertEquals(16 + 16 + 2, cache.computedImages());
    assertTrue(Files.exists(cache.directory().resolve("key.txt")));

    PatchStats fresh = new PatchStats("stats");
    TeacherFeatureCache again = new TeacherFeatureCache(fresh, DATA, plain, root, 16);
    assertEquals(cache.directory(), again.directory());
    assertEquals(cached, again.features(idx));
    assertEquals(0, fresh.images, "everything came from disk");
    assertEquals(0, again.computedImages());
  }

  @Test
  void aDifferentTeacherOrTransformDoesNotReuseEntries(@TempDir Path root) {
    TransformConfig plain = TransformConfig.plain(8, 1);
    int[] idx = {1, 2, 3};
    TeacherFeatureCache a = new TeacherFeatureCache(new PatchStats("a"), DATA, plain, root, 16);
    a.features(idx);

    PatchStats otherTeacher = new PatchStats("b");
    TeacherFeatureCache b = new TeacherFeatureCache(otherTeacher, DATA, plain, root, 16);
    assertNotEquals(a.directory(), b.directory());
    b.features(idx);
    assertEquals(16, otherTeacher.images, "recomputed for another teacher id");

    TransformConfig normalised =
        plain.withNormalization(new ChannelStats(new float[] {0.5f}, new float[] {0.25f}));
    PatchStats same = new PatchStats("a");
    TeacherFeatureCache c = new TeacherFeatureCache(same, DATA, normalised, root, 16);
    assertNotEquals(a.directory(), c.directory());
    INDArray f = c.features(idx);
    assertEquals(16, same.images, "recomputed for another transform");
    assertEquals(direct(new PatchStats("y"), normalised, idx), f);
    assertNotEquals(a.features(idx), f);

    SyntheticImages otherData = new SyntheticImages(50, 1, 8, 8, 3, 2);
    assertNotEquals(
        a.directory(),
        new TeacherFeatureCache(new PatchStats("a"), otherData, plain, root, 16).directory());
  }

  @Test
  void refusesRandomTransformsAndBadIndices(@TempDir Path root) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TeacherFeatureCache.of(
                    new PatchStats("a"), DATA, TransformConfig.augmented(8, 1), root));
    assertTrue(e.getMessage().contains("un-augmented"), e.getMessage());
    TeacherFeatureCache cache =
        TeacherFeatureCache.of(new PatchStats("a"), DATA, TransformConfig.plain(8, 1), root);
    assertThrows(IndexOutOfBoundsException.class, () -> cache.features(new int[] {50}));
  }

  @Test
  void aDamagedChunkFileIsRecomputed(@TempDir Path root) throws Exception {
    TransformConfig plain = TransformConfig.plain(8, 1);
    TeacherFeatureCache a = new TeacherFeatureCache(new PatchStats("a"), DATA, plain, root, 16);
    INDArray good = a.features(new int[] {3});
    Files.write(a.directory().resolve("chunk-00000.f32"), new byte[] {1, 2, 3});
    PatchStats t = new PatchStats("a");
    INDArray again = new TeacherFeatureCache(t, DATA, plain, root, 16).features(new int[] {3});
    assertEquals(good, again);
    assertEquals(16, t.images);
  }
}
