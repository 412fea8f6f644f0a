package org.beit4j.report;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.data.ChannelStats;
import org.beit4j.data.Image;
import org.beit4j.data.ImageDataset;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.tokenizer.VisualTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The report's image handling: example selection, batches, normalisation, dataset-wide usage. */
final class ReportImages {

  /** Images per tokenizer call. */
  static final int CHUNK = 256;

  private ReportImages() {}

  /** {@code count} images spread evenly over the set (all of them if it is smaller). */
  static List<Image> examples(ImageDataset data, int count) {
    int n = Math.min(count, data.size());
    List<Image> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(data.image((int) ((long) i * data.size() / n)));
    }
    return out;
  }

  /** Images of one size as a batch {@code [B, C, H, W]}. */
  static INDArray batch(List<Image> images) {
    Image first = images.get(0);
    int size = first.size();
    float[] flat = new float[images.size() * size];
    for (int b = 0; b < images.size(); b++) {
      System.arraycopy(images.get(b).pixels(), 0, flat, b * size, size);
    }
    return Nd4j.create(
        flat, new long[] {images.size(), first.channels(), first.height(), first.width()}, 'c');
  }

  /**
   * {@code (x - mean[c]) / std[c]} per channel, or {@code raw} itself for {@code stats == null}.
   *
   * @param raw {@code [B, C, H, W]}
   */
  static INDArray normalise(INDArray raw, ChannelStats stats) {
    if (stats == null) {
      return raw;
    }
    if (stats.channels() != raw.size(1)) {
      throw new IllegalArgumentException(
          "vitNormalization has "
              + stats.channels()
              + " channels but the images have "
              + raw.size(1));
    }
    INDArray out = raw.dup('c');
    for (int c = 0; c < stats.channels(); c++) {
      INDArray plane =
          out.get(
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.point(c)); // [B, H, W]
      plane.subi(stats.mean()[c]).divi(stats.std()[c]);
    }
    return out;
  }

  /** Whether the set's images are {@code channels x size x size}; if not, why. */
  static String mismatch(ImageDataset data, int channels, int size, String who) {
    Image img = data.image(0);
    if (img.channels() == channels && img.height() == size && img.width() == size) {
      return null;
    }
    return who
        + " takes "
        + channels
        + "x"
        + size
        + "x"
        + size
        + " images but "
        + data.source()
        + " has "
        + img.channels()
        + "x"
        + img.height()
        + "x"
        + img.width();
  }

  /** Code usage of the tokenizer over the first {@code limit} images of the set. */
  static CodebookHealth usage(VisualTokenizer tokenizer, ImageDataset data, int limit) {
    int n = Math.min(limit, data.size());
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(tokenizer.codebookSize());
    for (int start = 0; start < n; start += CHUNK) {
      List<Image> chunk = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + CHUNK); i++) {
        chunk.add(data.image(i));
      }
      for (int[] row : tokenizer.tokenize(batch(chunk))) {
        acc.add(row);
      }
    }
    return acc.health();
  }
}
