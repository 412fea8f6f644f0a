package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MimPredictionsTest {

  static final int K = 16;
  static final int B = MimPredictions.CHUNK + 4; // two chunks

  private static PretrainModel model;
  private static INDArray images;
  private static INDArray mask;
  private static int[][] predicted;

  @TempDir static Path tmp;

  @BeforeAll
  static void predict() {
    PretrainConfig cfg = PretrainConfig.of(VitConfig.test(), K, 1, 8).withClsHeadLayer(1);
    model = PretrainModel.build(cfg, DataType.FLOAT);
    Nd4j.getRandom().setSeed(3);
    images = Nd4j.rand(DataType.FLOAT, B, 1, 28, 28);
    mask = new BlockMasking(cfg.masking(), 5).batch(0, B);
    predicted = MimPredictions.predict(model, images, mask);
  }

  @Test
  void oneCodePerPatchAndVisiblePatchesMarked() {
    int n = VitConfig.test().numPatches();
    assertEquals(B, predicted.length);
    int masked = 0;
    for (int b = 0; b < B; b++) {
      assertEquals(n, predicted[b].length);
      for (int i = 0; i < n; i++) {
        boolean m = mask.getDouble(b, i) != 0;
        if (m) {
          masked++;
          assertEquals(
              true, predicted[b][i] >= 0 && predicted[b][i] < K, "code " + predicted[b][i]);
        } else {
          assertEquals(MimPredictions.VISIBLE, predicted[b][i]);
        }
      }
    }
    assertEquals(B * model.config().masking().numMasked(), masked);
  }

  /**
   * The graph's own masked accuracy ({@code argmax logits == code} over masked patches, eq. 4) is
   * exactly 1 with the predictions as codes and 0 with every prediction shifted by one.
   */
  @Test
  void predictionsAreTheArgmaxTheTrainingGraphScores() {
    int n = VitConfig.test().numPatches();
    int[][] same = new int[B][n];
    int[][] shifted = new int[B][n];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < n; i++) {
        int p = Math.max(0, predicted[b][i]);
        same[b][i] = p;
        shifted[b][i] = (p + 1) % K;
      }
    }
    INDArray first = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8));
    INDArray m8 = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8));
    double hit = accuracy(first, m8, java.util.Arrays.copyOf(same, 8));
    double miss = accuracy(first, m8, java.util.Arrays.copyOf(shifted, 8));
    assertEquals(1.0, hit, 0);
    assertEquals(0.0, miss, 0);
    // the second chunk too
    INDArray last = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(B - 4, B));
    INDArray m4 = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(B - 4, B));
    assertEquals(1.0, accuracy(last, m4, java.util.Arrays.copyOfRange(same, B - 4, B)), 0);
  }

  private static double accuracy(INDArray x, INDArray m, int[][] codes) {
    PretrainModel.Batch batch =
        new PretrainModel.Batch(x, m, Nd4j.createFromArray(codes).castTo(DataType.INT));
    return model.evaluate(batch).get(PretrainModel.MIM_ACC);
  }

  @Test
  void logitsArgmaxByHandEqualsPredict() {
    INDArray logits = MimPredictions.logits(model, images, mask); // [B, N, K]
    int n = VitConfig.test().numPatches();
    assertArrayEquals(new long[] {B, n, K}, logits.shape());
    for (int b = 0; b < B; b += 37) {
      for (int i = 0; i < n; i++) {
        if (mask.getDouble(b, i) == 0) {
          continue;
        }
        int best = 0;
        for (int k = 1; k < K; k++) {
          if (logits.getDouble(b, i, k) > logits.getDouble(b, i, best)) {
            best = k;
          }
        }
        assertEquals(best, predicted[b][i], "image " + b + " patch " + i);
      }
    }
  }

  @Test
  void checkpointRoundTripPredictsTheSame() {
    PretrainConfig cfg = model.config();
    Pretrainer t = Pretrainer.create(cfg, new Synthetic.BrightnessTokenizer(K, 7), null);
    // trained-looking weights, unlike a fresh model of the same seed
    INDArray w = t.model().parameter(PretrainModel.HEAD_SCOPE + "/w");
    w.addi(Nd4j.rand(DataType.FLOAT, w.shape()).muli(5));
    Path dir = t.checkpoint(tmp.resolve("ckpt"));
    PretrainModel loaded = MimPredictions.load(dir);
    INDArray x = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6));
    INDArray m = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6));
    int[][] expected = MimPredictions.predict(t.model(), x, m);
    assertArrayEquals(expected, MimPredictions.predict(loaded, x, m));
    INDArray saved = MimPredictions.logits(t.model(), x, m);
    assertEquals(saved, MimPredictions.logits(loaded, x, m));
    // the loaded head is the changed one, not the fresh model's of the same seed
    double diff = saved.sub(MimPredictions.logits(model, x, m)).amaxNumber().doubleValue();
    assertEquals(true, diff > 1, "largest logit change " + diff);
  }

  @Test
  void wrongShapesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MimPredictions.predict(model, Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32), mask));
    assertEquals("images must be [B, 1, 28, 28] but are [2, 1, 32, 32]", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> MimPredictions.predict(model, Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28), mask));
  }
}
