package org.beit4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.ImageTransform;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.Shuffle;
import org.beit4j.data.Transforms;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A labelled split held in memory for evaluation: images {@code [M, C, H, W]} as raw [0, 1] pixels
 * and their classes. Loaded once, then every {@link FeatureSource} and {@link FineTune} reads the
 * same images, so all rows of a results table are measured on the same split.
 *
 * @param images {@code [M, C, H, W]} float
 * @param labels {@code M} classes in {@code [0, numClasses)}
 * @param numClasses K >= 2
 * @param source where the images came from, e.g. "fashion-mnist test, 2000 of 10000 (seed 0)"
 */
public record LabelledImages(INDArray images, int[] labels, int numClasses, String source) {

  private static final int LOAD_BATCH = 500;

  /** Validates shapes and labels. */
  public LabelledImages {
    if (images.rank() != 4) {
      throw new IllegalArgumentException(
          "images must be [M, C, H, W], got " + Arrays.toString(images.shape()));
    }
    if (images.size(0) != labels.length) {
      throw new IllegalArgumentException(
          images.size(0) + " images but " + labels.length + " labels (" + source + ")");
    }
    LinearProbe.checkLabels(labels, numClasses);
  }

  /**
   * Loads a seeded random subset of a labelled dataset at its own image size.
   *
   * @param limit images to keep, 0 = all; the subset is the one {@link ImageBatchIterator} picks
   *     for this limit and seed, so fine-tuning and probes agree on it
   * @throws IllegalArgumentException if the dataset is empty or unlabelled
   */
  public static LabelledImages load(ImageDataset data, int limit, long seed) {
    return load(data, limit, seed, Transforms.identity());
  }

  /** As {@link #load(ImageDataset, int, long)}, with a deterministic transform (e.g. a resize). */
  public static LabelledImages load(
      ImageDataset data, int limit, long seed, ImageTransform transform) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("dataset " + data.source() + " is empty");
    }
    if (data.numClasses() < 2) {
      throw new IllegalArgumentException(
          "dataset "
              + data.source()
              + " has "
              + data.numClasses()
              + " classes; evaluation needs a labelled set with >= 2");
    }
    LoaderConfig cfg =
        LoaderConfig.of(LOAD_BATCH).withShuffle(false).withSeed(seed).withLimit(limit);
    ImageBatchIterator it = ImageBatchIterator.of(data, transform, cfg);
    List<INDArray> parts = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    while (it.hasNext()) {
      MultiDataSet b = it.next();
      parts.add(b.getFeatures(0));
      labels.add(b.getLabels(0).argMax(1).toIntVector());
    }
    INDArray images =
        parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new));
    int[] y = labels.stream().flatMapToInt(Arrays::stream).toArray();
    String what =
        data.source()
            + (limit == 0 || limit >= data.size()
                ? ", all " + data.size()
                : ", " + y.length + " of " + data.size() + " (seed " + seed + ")");
    return new LabelledImages(images, y, data.numClasses(), what);
  }

  /** Number of images M. */
  public int size() {
    return labels.length;
  }

  /** Images {@code [n, C, H, W]} and labels of rows {@code [from, to)}. */
  public INDArray images(int from, int to) {
    return images.get(
        NDArrayIndex.interval(from, to),
        NDArrayIndex.all(),
        NDArrayIndex.all(),
        NDArrayIndex.all());
  }

  /** A row order for one epoch: a permutation of {@code 0..M-1} seeded by {@code seed}. */
  public int[] permutation(long seed) {
    int[] order = new int[labels.length];
    Arrays.setAll(order, i -> i);
    Shuffle.inPlace(order, new SplittableRandom(seed));
    return order;
  }
}
