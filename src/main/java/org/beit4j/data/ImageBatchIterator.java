package org.beit4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of an {@link ImageDataset} for SameDiff: {@code features[k]} = view {@code k} of every
 * image, {@code [B, C, H, W]} float; {@code labels[0]} = one-hot classes {@code [B, numClasses]}
 * float when the dataset is labelled (no labels otherwise). With a {@link TwoViewTransform} the
 * features are {@code [tokenizerView, vitView]}.
 *
 * <p>Reproducible: image {@code i} in epoch {@code e} is transformed with a generator seeded from
 * {@code (seed, e, i)}, and the epoch's order is a permutation seeded from {@code (seed, e)}, so
 * the same {@link LoaderConfig} gives the same batches whatever the number of workers. {@link
 * #reset()} after images were taken starts the next epoch (new order, new augmentations); a reset
 * before the first batch does nothing, so {@code fit(iterator)} loops that reset first see epoch 0.
 *
 * <p>Images that cannot be read are handled by {@link LoaderConfig#badImagePolicy()}: {@code FAIL}
 * rethrows the {@link DatasetException} naming the file; {@code SKIP} logs it, leaves it out (the
 * batch is filled from the following images) and counts it in {@link #skipped()}.
 */
public final class ImageBatchIterator implements MultiDataSetIterator {

  private static final Logger log = LoggerFactory.getLogger(ImageBatchIterator.class);
  private static final int MAX_REMEMBERED_SKIPS = 100;

  private final ImageDataset dataset;
  private final MultiViewTransform transform;
  private final LoaderConfig config;
  private final int[] subset;
  private final List<String> skippedMessages = new ArrayList<>();
  private ForkJoinPool pool;
  private MultiDataSetPreProcessor preProcessor;
  private int[] order;
  private int cursor;
  private int epoch;
  private long skipped;
  private long skippedThisEpoch;
  private long deliveredThisEpoch;
  private MultiDataSet pending;
  private boolean epochLogged;

  /**
   * @param dataset the images
   * @param transform makes the views of each image; every view must come out the same size for
   *     every image (resize or crop to a fixed size)
   * @param config batch size, shuffling, seed, limit, bad-image policy, workers
   */
  public ImageBatchIterator(
      ImageDataset dataset, MultiViewTransform transform, LoaderConfig config) {
    this.dataset = dataset;
    this.transform = transform;
    this.config = config;
    this.subset = chooseSubset(dataset.size(), config);
    startEpoch(0);
  }

  /** One view per image made by {@code transform}. */
  public static ImageBatchIterator of(
      ImageDataset dataset, ImageTransform transform, LoaderConfig config) {
    return new ImageBatchIterator(dataset, MultiViewTransform.single(transform), config);
  }

  /** One view per image described by {@code transform}. */
  public static ImageBatchIterator of(
      ImageDataset dataset, TransformConfig transform, LoaderConfig config) {
    return of(dataset, transform.build(), config);
  }

  private static int[] chooseSubset(int size, LoaderConfig config) {
    int[] all = IntStream.range(0, size).toArray();
    if (config.limit() == 0 || config.limit() >= size) {
      return all;
    }
    Shuffle.inPlace(all, new SplittableRandom(config.seed() ^ 0x5DEECE66DL));
    int[] sub = Arrays.copyOf(all, config.limit());
    Arrays.sort(sub);
    return sub;
  }

  private void startEpoch(int e) {
    epoch = e;
    order = order(e);
    cursor = 0;
    pending = null;
    skippedThisEpoch = 0;
    deliveredThisEpoch = 0;
    epochLogged = false;
  }

  /**
   * The dataset indices of epoch {@code e} in the order this iterator reads them (before skips):
   * batch {@code j} of the epoch holds positions {@code [j B, (j + 1) B)} when no image is skipped.
   * With {@link #batchOf} it gives any batch without iterating to it (e.g. a shard of a batch on
   * another machine).
   */
  public int[] order(int e) {
    int[] o = subset.clone();
    if (config.shuffle()) {
      Shuffle.inPlace(o, new SplittableRandom(mix(config.seed(), e, -1)));
    }
    return o;
  }

  /**
   * The batch of the images {@code indices} (dataset indices) as epoch {@code e} makes them: the
   * same views and labels as the rows of the batch {@link #next} delivers holding these images in
   * that epoch. An unreadable image fails whatever the {@link BadImagePolicy}.
   *
   * @throws DatasetException naming the file of an unreadable image
   */
  public MultiDataSet batchOf(int e, int[] indices) {
    if (indices.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one image");
    }
    List<Image[]> views = new ArrayList<>(indices.length);
    List<Integer> labels = new ArrayList<>(indices.length);
    for (int index : indices) {
      views.add(views(e, index));
      labels.add(dataset.label(index));
    }
    MultiDataSet batch = stack(views, labels);
    if (preProcessor != null) {
      preProcessor.preProcess(batch);
    }
    return batch;
  }

  /** Jumps to the start of epoch {@code e} (e.g. when resuming from a checkpoint). */
  public void setEpoch(int e) {
    if (e < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + e);
    }
    startEpoch(e);
  }

  /** The current epoch, from 0. */
  public int epoch() {
    return epoch;
  }

  /** Images per epoch ({@code limit} or the dataset size), before skips. */
  public int imagesPerEpoch() {
    return subset.length;
  }

  /** Unreadable images skipped since this iterator was made. */
  public long skipped() {
    return skipped;
  }

  /** The first 100 skip messages (each names the file and the problem). */
  public List<String> skippedMessages() {
    return Collections.unmodifiableList(skippedMessages);
  }

  /** The dataset being iterated. */
  public ImageDataset dataset() {
    return dataset;
  }

  @Override
  public boolean hasNext() {
    if (pending == null) {
      pending = build(config.batchSize());
    }
    if (pending == null && !epochLogged) {
      epochLogged = true;
      // one line per epoch would flood notebooks and logs: debug, unless images were skipped
      if (skippedThisEpoch > 0) {
        log.warn(
            "{} epoch {}: {} images delivered, {} unreadable images skipped",
            dataset.source(),
            epoch,
            deliveredThisEpoch,
            skippedThisEpoch);
      } else {
        log.debug("{} epoch {}: {} images delivered", dataset.source(), epoch, deliveredThisEpoch);
      }
    }
    return pending != null;
  }

  @Override
  public MultiDataSet next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " is exhausted; call reset()");
    }
    MultiDataSet out = pending;
    pending = null;
    return out;
  }

  @Override
  public MultiDataSet next(int num) {
    if (num < 1) {
      throw new IllegalArgumentException("num must be >= 1, got " + num);
    }
    if (pending != null) {
      throw new IllegalStateException("next(int) after hasNext(): call next() first");
    }
    MultiDataSet out = build(num);
    if (out == null) {
      throw new NoSuchElementException("epoch " + epoch + " is exhausted; call reset()");
    }
    return out;
  }

  @Override
  public void reset() {
    boolean started = cursor > 0;
    startEpoch(started ? epoch + 1 : epoch);
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  @Override
  public boolean asyncSupported() {
    return true;
  }

  @Override
  public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
    this.preProcessor = preProcessor;
  }

  @Override
  public MultiDataSetPreProcessor getPreProcessor() {
    return preProcessor;
  }

  /** Collects up to {@code want} good images from the cursor on; null if none are left. */
  private MultiDataSet build(int want) {
    List<Image[]> views = new ArrayList<>(want);
    List<Integer> labels = new ArrayList<>(want);
    while (views.size() < want && cursor < order.length) {
      int from = cursor;
      int to = Math.min(order.length, cursor + want - views.size());
      cursor = to;
      Object[] results = process(from, to);
      for (int k = 0; k < results.length; k++) {
        if (results[k] instanceof Image[] v) {
          views.add(v);
          labels.add(dataset.label(order[from + k]));
        } else {
          handleBad((DatasetException) results[k]);
        }
      }
    }
    if (views.isEmpty() || (config.dropLast() && views.size() < config.batchSize())) {
      return null;
    }
    deliveredThisEpoch += views.size();
    MultiDataSet batch = stack(views, labels);
    if (preProcessor != null) {
      preProcessor.preProcess(batch);
    }
    return batch;
  }

  /** Reads and transforms images {@code order[from..to)}: each slot an Image[] or the error. */
  private Object[] process(int from, int to) {
    Object[] out = new Object[to - from];
    if (config.workers() == 1 || to - from == 1) {
      for (int k = from; k < to; k++) {
        out[k - from] = processOne(order[k]);
      }
      return out;
    }
    if (pool == null) {
      pool = new ForkJoinPool(config.workers());
    }
    try {
      pool.submit(
              () ->
                  IntStream.range(from, to)
                      .parallel()
                      .forEach(k -> out[k - from] = processOne(order[k])))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading a batch", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return out;
  }

  private Object processOne(int index) {
    try {
      return views(epoch, index);
    } catch (DatasetException e) {
      return e;
    }
  }

  /** Image {@code index}'s views in epoch {@code e}, augmented from {@code (seed, e, index)}. */
  private Image[] views(int e, int index) {
    Image img = dataset.image(index);
    return transform.apply(img, new SplittableRandom(mix(config.seed(), e, index)));
  }

  private void handleBad(DatasetException e) {
    if (config.badImagePolicy() == BadImagePolicy.FAIL) {
      throw e;
    }
    skipped++;
    skippedThisEpoch++;
    if (skippedMessages.size() < MAX_REMEMBERED_SKIPS) {
      skippedMessages.add(e.getMessage());
    }
    log.warn("skipped unreadable image: {}", e.getMessage());
  }

  private MultiDataSet stack(List<Image[]> views, List<Integer> labels) {
    int n = views.size();
    int numViews = views.get(0).length;
    INDArray[] features = new INDArray[numViews];
    for (int v = 0; v < numViews; v++) {
      Image first = views.get(0)[v];
      int size = first.size();
      float[] buf = new float[n * size];
      for (int b = 0; b < n; b++) {
        Image img = views.get(b)[v];
        if (img.channels() != first.channels()
            || img.height() != first.height()
            || img.width() != first.width()) {
          throw new IllegalStateException(
              "view "
                  + v
                  + " has size "
                  + img.channels()
                  + "x"
                  + img.height()
                  + "x"
                  + img.width()
                  + " for one image and "
                  + first.channels()
                  + "x"
                  + first.height()
                  + "x"
                  + first.width()
                  + " for another: add a resize or crop to a fixed size");
        }
        System.arraycopy(img.pixels(), 0, buf, b * size, size);
      }
      features[v] =
          Nd4j.create(buf, new long[] {n, first.channels(), first.height(), first.width()}, 'c');
    }
    INDArray[] labelArrays = null;
    int classes = dataset.numClasses();
    if (classes > 0) {
      float[] oneHot = new float[n * classes];
      for (int b = 0; b < n; b++) {
        oneHot[b * classes + labels.get(b)] = 1f;
      }
      labelArrays = new INDArray[] {Nd4j.create(oneHot, new long[] {n, classes}, 'c')};
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(features, labelArrays);
  }

  /** A well-spread 64-bit seed for {@code (seed, epoch, index)}. */
  static long mix(long seed, long epoch, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
