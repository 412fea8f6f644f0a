package org.beit4j.pretrain;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a pretrained model guesses under the mask: the MIM head's most likely visual token, {@code
 * argmax_k (W_c h_i + b_c)_k} (eq. 4), for every masked patch {@code i} of an image (seed article
 * section 1.3.1). Comparing these codes with the tokenizer's codes of the same patches shows what
 * masked image modelling learned; their agreement over masked patches is the {@code mimAcc} of the
 * training log.
 *
 * <pre>{@code
 * PretrainModel model = MimPredictions.load(run.resolve("pretrain/final"));
 * INDArray mask = new BlockMasking(model.config().masking(), 1).batch(0, images.size(0)); // [B, N]
 * int[][] guess = MimPredictions.predict(model, vitView, mask); // -1 where not masked
 * }</pre>
 */
public final class MimPredictions {

  static {
    Beit4j.init();
  }

  /** Images per forward pass ({@code SameDiff.output} is fastest in chunks of a few hundred). */
  static final int CHUNK = 256;

  /** The code in {@link #predict}'s result for a patch that was not masked. */
  public static final int VISIBLE = -1;

  private MimPredictions() {}

  /**
   * The pretraining model saved in a checkpoint directory ({@code pretrain/final} of a run).
   *
   * @see PretrainCheckpoint#loadModel
   */
  public static PretrainModel load(Path checkpoint) {
    return PretrainCheckpoint.loadModel(checkpoint);
  }

  /**
   * The predicted code of every masked patch.
   *
   * @param images {@code [B, C, H, W]} the ViT view, normalised as in pretraining
   * @param mask {@code [B, N]} 0/1, 1 = masked (e.g. from {@link BlockMasking#batch})
   * @return {@code [B][N]}: the argmax code at masked patches, {@link #VISIBLE} elsewhere
   */
  public static int[][] predict(PretrainModel model, INDArray images, INDArray mask) {
    int[][] all = argmaxAll(model, images, mask);
    for (int b = 0; b < all.length; b++) {
      for (int i = 0; i < all[b].length; i++) {
        if (mask.getDouble(b, i) == 0) {
          all[b][i] = VISIBLE;
        }
      }
    }
    return all;
  }

  /**
   * The head's logits on every patch of masked input.
   *
   * @param images {@code [B, C, H, W]}
   * @param mask {@code [B, N]} 0/1
   * @return {@code [B, N, K]}
   */
  public static INDArray logits(PretrainModel model, INDArray images, INDArray mask) {
    check(model.config().vit(), images, mask);
    long b = images.size(0);
    int n = model.config().vit().numPatches();
    int k = model.config().codebookSize();
    INDArray out = Nd4j.create(model.dataType(), b, n, k);
    for (long start = 0; start < b; start += CHUNK) {
      long end = Math.min(b, start + CHUNK);
      INDArray x = images.get(range(start, end)).castTo(model.dataType()); // [b', C, H, W]
      INDArray m = mask.get(range(start, end)).castTo(model.dataType()); // [b', N]
      INDArray logits =
          model
              .sameDiff()
              .output(
                  Map.of(PretrainModel.IMAGES, x, PretrainModel.MASK, m), PretrainModel.MIM_LOGITS)
              .get(PretrainModel.MIM_LOGITS); // [b'*N, K]
      out.get(range(start, end)).assign(logits.reshape('c', end - start, n, k));
    }
    return out;
  }

  private static int[][] argmaxAll(PretrainModel model, INDArray images, INDArray mask) {
    INDArray logits = logits(model, images, mask); // [B, N, K]
    int b = (int) logits.size(0);
    int n = (int) logits.size(1);
    int[] flat = logits.argMax(2).castTo(DataType.INT).reshape(b * n).toIntVector(); // [B*N]
    int[][] out = new int[b][];
    for (int i = 0; i < b; i++) {
      out[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
    }
    return out;
  }

  private static org.nd4j.linalg.indexing.INDArrayIndex[] range(long start, long end) {
    return new org.nd4j.linalg.indexing.INDArrayIndex[] {
      org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end)
    };
  }

  private static void check(VitConfig vit, INDArray images, INDArray mask) {
    long[] s = images.shape();
    if (s.length != 4
        || s[1] != vit.channels()
        || s[2] != vit.imageSize()
        || s[3] != vit.imageSize()) {
      throw new IllegalArgumentException(
          "images must be [B, "
              + vit.channels()
              + ", "
              + vit.imageSize()
              + ", "
              + vit.imageSize()
              + "] but are "
              + Arrays.toString(s));
    }
    if (mask.rank() != 2 || mask.size(0) != s[0] || mask.size(1) != vit.numPatches()) {
      throw new IllegalArgumentException(
          "mask must be ["
              + s[0]
              + ", "
              + vit.numPatches()
              + "] but is "
              + Arrays.toString(mask.shape()));
    }
  }
}
