package org.beit4j.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.beit4j.tokenizer.VisualTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** Learnable synthetic batches and a brightness tokenizer for pretraining tests. */
final class Synthetic {

  static final int LEVELS = 4;

  private Synthetic() {}

  /**
   * Two-view batches: the ViT view shows one of {@link #LEVELS} stripe patterns (horizontal,
   * vertical, checkerboard, diagonal) with noise; the tokenizer view is a flat image of brightness
   * {@code (pattern + 0.5) / LEVELS}, so {@link BrightnessTokenizer} gives every patch the
   * pattern's id as token. Masked tokens can thus be predicted from the visible patches. (A
   * brightness-coded ViT view would not do: LayerNorm removes a patch's scale.)
   */
  static List<MultiDataSet> batches(int count, int batch, int size, long seed) {
    Random r = new Random(seed);
    List<MultiDataSet> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      float[] px = new float[batch * size * size];
      float[] tok = new float[batch * size * size];
      for (int b = 0; b < batch; b++) {
        int pattern = r.nextInt(LEVELS);
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            boolean on =
                switch (pattern) {
                  case 0 -> y % 2 == 0;
                  case 1 -> x % 2 == 0;
                  case 2 -> (x + y) % 2 == 0;
                  default -> (x + y) % 4 < 2;
                };
            double v = (on ? 0.8 : 0.2) + 0.05 * r.nextGaussian();
            int i = b * size * size + y * size + x;
            px[i] = (float) Math.max(0, Math.min(1, v));
            tok[i] = (float) ((pattern + 0.5) / LEVELS);
          }
        }
      }
      INDArray images = Nd4j.create(px, new long[] {batch, 1, size, size}, 'c');
      INDArray tokView = Nd4j.create(tok, new long[] {batch, 1, size, size}, 'c');
      out.add(
          new org.nd4j.linalg.dataset.MultiDataSet(
              new INDArray[] {images, tokView}, new INDArray[0]));
    }
    return out;
  }

  /** Token = brightness level of the image (mean pixel), the same for all patches. */
  static final class BrightnessTokenizer implements VisualTokenizer {
    private final int codebookSize;
    private final int grid;

    BrightnessTokenizer(int codebookSize, int grid) {
      this.codebookSize = codebookSize;
      this.grid = grid;
    }

    @Override
    public int[][] tokenize(INDArray images) {
      int b = (int) images.size(0);
      int[][] out = new int[b][grid * grid];
      for (int i = 0; i < b; i++) {
        double mean = images.slice(i).meanNumber().doubleValue();
        int level = (int) Math.min(LEVELS - 1, Math.max(0, Math.floor(mean * LEVELS)));
        java.util.Arrays.fill(out[i], level);
      }
      return out;
    }

    @Override
    public int codebookSize() {
      return codebookSize;
    }

    @Override
    public int gridSize() {
      return grid;
    }

    @Override
    public String id() {
      return "brightness:" + codebookSize;
    }
  }

  /** A resettable iterator over a fixed list. */
  static final class ListIterator implements MultiDataSetIterator {
    private final List<MultiDataSet> data;
    private int next;

    ListIterator(List<MultiDataSet> data) {
      this.data = data;
    }

    @Override
    public MultiDataSet next(int num) {
      return next();
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
      return null;
    }

    @Override
    public boolean resetSupported() {
      return true;
    }

    @Override
    public boolean asyncSupported() {
      return false;
    }

    @Override
    public void reset() {
      next = 0;
    }

    @Override
    public boolean hasNext() {
      return next < data.size();
    }

    @Override
    public MultiDataSet next() {
      return data.get(next++);
    }
  }
}
