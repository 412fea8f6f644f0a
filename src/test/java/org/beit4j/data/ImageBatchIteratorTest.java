package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ImageBatchIteratorTest {

  /** numClasses = size, so label = image index and batches reveal which images they hold. */
  private static final SyntheticImages DATA = new SyntheticImages(50, 3, 20, 20, 50, 3);

  private static List<MultiDataSet> epoch(ImageBatchIterator it) {
    List<MultiDataSet> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }

  private static List<Integer> indices(List<MultiDataSet> batches) {
    List<Integer> idx = new ArrayList<>();
    for (MultiDataSet b : batches) {
      INDArray argmax = b.getLabels(0).argMax(1);
      for (int i = 0; i < argmax.length(); i++) {
        idx.add(argmax.getInt(i));
      }
    }
    return idx;
  }

  @Test
  void batchesHaveShapesDtypeAndOneHotLabels() {
    ImageBatchIterator it =
        ImageBatchIterator.of(DATA, TransformConfig.augmented(16, 3), LoaderConfig.of(16));
    List<MultiDataSet> batches = epoch(it);
    assertEquals(4, batches.size()); // 16 + 16 + 16 + 2
    MultiDataSet b = batches.get(0);
    assertArrayEquals(new long[] {16, 3, 16, 16}, b.getFeatures(0).shape());
    assertEquals(DataType.FLOAT, b.getFeatures(0).dataType());
    assertArrayEquals(new long[] {16, 50}, b.getLabels(0).shape());
    assertEquals(16.0, b.getLabels(0).sumNumber().doubleValue(), 0);
    assertEquals(2, batches.get(3).getFeatures(0).size(0));
    assertTrue(b.getFeatures(0).minNumber().doubleValue() >= 0);
    assertTrue(b.getFeatures(0).maxNumber().doubleValue() <= 1);
    List<Integer> seen = indices(batches);
    assertEquals(50, new HashSet<>(seen).size()); // every image exactly once
    assertNotEquals(seen.subList(0, 10), List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)); // shuffled
  }

  @Test
  void sameSeedSameBatchesOtherSeedOtherBatches() {
    LoaderConfig cfg = LoaderConfig.of(8).withSeed(123);
    List<MultiDataSet> a =
        epoch(ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg));
    List<MultiDataSet> b =
        epoch(ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg));
    List<MultiDataSet> c =
        epoch(ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg.withSeed(124)));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getFeatures(0), b.get(i).getFeatures(0));
      assertEquals(a.get(i).getLabels(0), b.get(i).getLabels(0));
    }
    assertNotEquals(indices(a), indices(c));
  }

  @Test
  void workersDoNotChangeTheBatches() {
    LoaderConfig cfg = LoaderConfig.of(8).withSeed(5);
    List<MultiDataSet> one =
        epoch(ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg));
    List<MultiDataSet> two =
        epoch(ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg.withWorkers(2)));
    for (int i = 0; i < one.size(); i++) {
      assertEquals(one.get(i).getFeatures(0), two.get(i).getFeatures(0));
    }
  }

  @Test
  void batchOfAnyImagesIsTheRowsTheIteratorDelivers() {
    LoaderConfig cfg = LoaderConfig.of(8).withSeed(7);
    ImageBatchIterator it = ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg);
    epoch(it);
    it.reset();
    List<MultiDataSet> e1 = epoch(it); // epoch 1
    int[] order = it.order(1);
    assertEquals(indices(e1), java.util.Arrays.stream(order).boxed().toList());
    // rows 3..6 of the second batch of epoch 1, made without iterating to them
    int[] some = java.util.Arrays.copyOfRange(order, 8 + 3, 8 + 7);
    MultiDataSet direct =
        ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg).batchOf(1, some);
    INDArray expected = e1.get(1).getFeatures(0).get(NDArrayIndex.interval(3, 7));
    assertEquals(expected, direct.getFeatures(0));
    assertEquals(e1.get(1).getLabels(0).get(NDArrayIndex.interval(3, 7)), direct.getLabels(0));
    // another epoch augments the same images otherwise
    assertNotEquals(
        expected,
        ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), cfg)
            .batchOf(2, some)
            .getFeatures(0));
  }

  @Test
  void resetStartsANewEpochOnlyAfterUse() {
    ImageBatchIterator it =
        ImageBatchIterator.of(DATA, TransformConfig.augmented(12, 3), LoaderConfig.of(10));
    it.reset(); // before any batch: still epoch 0
    assertEquals(0, it.epoch());
    List<MultiDataSet> e0 = epoch(it);
    it.reset();
    assertEquals(1, it.epoch());
    List<MultiDataSet> e1 = epoch(it);
    assertNotEquals(indices(e0), indices(e1));
    assertEquals(50, new HashSet<>(indices(e1)).size());
    it.setEpoch(0);
    assertEquals(e0.get(0).getFeatures(0), it.next().getFeatures(0));
  }

  @Test
  void limitUsesAFixedSeededSubset() {
    LoaderConfig cfg = LoaderConfig.of(4).withLimit(10);
    ImageBatchIterator it = ImageBatchIterator.of(DATA, TransformConfig.plain(20, 3), cfg);
    assertEquals(10, it.imagesPerEpoch());
    Set<Integer> first = new HashSet<>(indices(epoch(it)));
    it.reset();
    Set<Integer> second = new HashSet<>(indices(epoch(it)));
    assertEquals(10, first.size());
    assertEquals(first, second);
    ImageBatchIterator dropping =
        ImageBatchIterator.of(DATA, TransformConfig.plain(20, 3), cfg.withDropLast(true));
    assertEquals(2, epoch(dropping).size()); // 4 + 4, the last 2 dropped
  }

  @Test
  void unshuffledPlainBatchesAreTheDatasetInOrder() {
    ImageBatchIterator it =
        ImageBatchIterator.of(DATA, Transforms.identity(), LoaderConfig.of(5).withShuffle(false));
    MultiDataSet b = it.next();
    assertEquals(List.of(0, 1, 2, 3, 4), indices(List.of(b)));
    Image img3 = DATA.image(3);
    assertEquals(img3.get(2, 7, 11), b.getFeatures(0).getFloat(3, 2, 7, 11), 0);
  }

  @Test
  void twoViewBatchesAreTokenizerThenVit() {
    TwoViewTransform views = TwoViewTransform.beitV2(16, 3, ChannelStats.IMAGENET);
    ImageBatchIterator it = new ImageBatchIterator(DATA, views, LoaderConfig.of(6));
    MultiDataSet b = it.next();
    assertEquals(2, b.getFeatures().length);
    INDArray tok = b.getFeatures(TwoViewTransform.TOKENIZER_VIEW);
    INDArray vit = b.getFeatures(TwoViewTransform.VIT_VIEW);
    assertArrayEquals(new long[] {6, 3, 16, 16}, tok.shape());
    assertArrayEquals(new long[] {6, 3, 16, 16}, vit.shape());
    assertTrue(tok.minNumber().doubleValue() >= 0 && tok.maxNumber().doubleValue() <= 1);
    assertTrue(vit.minNumber().doubleValue() < 0); // normalised
    double expect = (tok.getDouble(2, 1, 5, 6) - 0.456) / 0.224;
    assertEquals(expect, vit.getDouble(2, 1, 5, 6), 1e-4);
    assertFalse(b.getLabels() == null);
  }
}
