package org.beit4j.eval;

import java.util.Arrays;
import java.util.function.Function;
import org.beit4j.Beit4j;
import org.beit4j.data.ChannelStats;
import org.beit4j.data.InputContract;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.ProgressBar;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A named way to turn images into one feature vector each, the unit a row of the results table
 * measures: raw pixels, a ViT backbone ([CLS] or mean-pooled), a teacher or a tokenizer's words.
 *
 * <p>Every source takes raw pixels {@code [B, C, H, W]} in [0, 1] (the {@link Teacher} contract)
 * and applies its own preprocessing, so one set of images in memory serves all of them.
 *
 * @param name short identifier, e.g. "beit-v2"; becomes the table's name column
 * @param description what it is, e.g. "BEiT v2 backbone, 40 epochs, mean-pooled"
 * @param extractor {@code [B, C, H, W] -> [B, F]}
 */
public record FeatureSource(
    String name, String description, Function<INDArray, INDArray> extractor) {

  static {
    Beit4j.init();
  }

  /**
   * Images per forward pass suggested for {@link #extract}. Measured on the 2-core dev host
   * (VitConfig.mnist(), 512 images, OMP_NUM_THREADS=1): chunks of 32-64 ran at 80-150 img/s, chunks
   * of 256 at ~20 img/s (the intermediates of a big batch, allocated afresh without the array
   * cache, cost more than the per-call overhead saves).
   */
  public static final int DEFAULT_CHUNK = 64;

  /** Validates every field. */
  public FeatureSource {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
    }
    if (description == null) {
      throw new IllegalArgumentException("description must not be null (use \"\")");
    }
    if (extractor == null) {
      throw new IllegalArgumentException("extractor of source " + name + " must not be null");
    }
  }

  /** The flattened pixels, {@code [B, C*H*W]}: the baseline every representation should beat. */
  public static FeatureSource pixels() {
    return new FeatureSource(
        "pixels", "raw pixels (flattened)", x -> x.reshape(x.size(0), x.length() / x.size(0)));
  }

  /**
   * A ViT's pooled final-norm features, {@code [B, D]}; the pooling is chosen here, not by the
   * graph ({@link VisionTransformer#pooled(INDArray, VisionTransformer.Pool)}).
   *
   * @param normalization the per-channel standardisation the backbone was trained with, or null to
   *     feed raw [0, 1] pixels
   */
  public static FeatureSource vit(
      String name,
      String description,
      VisionTransformer vit,
      VisionTransformer.Pool pool,
      ChannelStats normalization) {
    if (normalization != null && normalization.channels() != vit.config().channels()) {
      throw new IllegalArgumentException(
          "normalization has "
              + normalization.channels()
              + " channels but the ViT takes "
              + vit.config().channels());
    }
    VisionTransformer fed =
        normalization == null
            ? vit
            : vit.withInputContract(
                new InputContract(
                    vit.config().imageSize(), vit.config().channels(), normalization));
    return new FeatureSource(name, description, x -> fed.pooled(normalize(x, normalization), pool));
  }

  /** The mean of a teacher's patch features, {@code [B, N, Dt] -> [B, Dt]}. */
  public static FeatureSource teacher(String name, String description, Teacher teacher) {
    return new FeatureSource(
        name, description, x -> teacher.patchFeatures(x).castTo(DataType.FLOAT).mean(1)); // [B, Dt]
  }

  /**
   * The bag of a tokenizer's visual words, {@code [B, K]}: the normalised histogram of each image's
   * codes ({@link BagOfVisualWords#histogram}). Probed, it measures how much class information the
   * MIM targets carry, an upper reference for what predicting them can teach a backbone.
   */
  public static FeatureSource tokens(String name, String description, VisualTokenizer tokenizer) {
    return new FeatureSource(
        name,
        description,
        x ->
            BagOfVisualWords.histograms(tokenizer.tokenize(x), tokenizer.codebookSize())); // [B, K]
  }

  /** {@code (x - mean[c]) / std[c]} per channel of {@code [B, C, H, W]}, in a copy; null: x. */
  public static INDArray normalize(INDArray images, ChannelStats stats) {
    if (stats == null) {
      return images;
    }
    if (images.rank() != 4 || images.size(1) != stats.channels()) {
      throw new IllegalArgumentException(
          "images must be [B, "
              + stats.channels()
              + ", H, W] to normalise, got "
              + Arrays.toString(images.shape()));
    }
    INDArray out = images.castTo(DataType.FLOAT).dup(); // [B, C, H, W]
    for (int c = 0; c < stats.channels(); c++) {
      out.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all())
          .subi(stats.mean()[c])
          .divi(stats.std()[c]);
    }
    return out;
  }

  /** Features of one batch, with the output checked to be {@code [B, F]}. */
  public INDArray features(INDArray images) {
    INDArray f = extractor.apply(images);
    if (f.rank() != 2 || f.size(0) != images.size(0)) {
      throw new IllegalStateException(
          "feature source "
              + name
              + " returned "
              + Arrays.toString(f.shape())
              + " for "
              + images.size(0)
              + " images; expected [B, F]");
    }
    return f.castTo(DataType.FLOAT);
  }

  /**
   * Features of many images, {@code chunk} at a time, with a progress bar.
   *
   * @param images {@code [M, C, H, W]}, M >= 1
   * @return {@code [M, F]}
   */
  public INDArray extract(INDArray images, int chunk, String label) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    }
    long m = images.size(0);
    if (m < 1) {
      throw new IllegalArgumentException("no images to extract features from");
    }
    long chunks = (m + chunk - 1) / chunk;
    INDArray[] parts = new INDArray[(int) chunks];
    try (ProgressBar bar = new ProgressBar(label, chunks, "img")) {
      for (int i = 0; i < chunks; i++) {
        long from = (long) i * chunk;
        long to = Math.min(m, from + chunk);
        INDArray x =
            images.get(
                NDArrayIndex.interval(from, to),
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.all()); // [n, C, H, W]
        parts[i] = features(x.dup());
        bar.step(to - from);
      }
    }
    return parts.length == 1 ? parts[0] : Nd4j.concat(0, parts); // [M, F]
  }
}
