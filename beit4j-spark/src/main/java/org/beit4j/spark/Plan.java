package org.beit4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.train.Replicas;

/**
 * Which images each task takes at each step: the batch a one-process run takes at step {@code s}
 * ({@link ImageBatchIterator#order}: dataset indices only) split into {@code workers} shards
 * ({@link Replicas#ranges}), the first {@code batch mod workers} one image longer.
 */
final class Plan {

  private final ImageBatchIterator data;
  private final int batch;
  private final boolean dropLast;
  private final int workers;
  private final long failAtStep;
  private final int perEpoch;
  private int[] order;
  private int orderEpoch = -1;

  /**
   * @param dropLast whether an epoch's short last batch is left out (pretraining) or taken (VQ-KD),
   *     as the one-process iterator does
   * @param failAtStep fault injection for tests: the shards of this 1-based step throw (0 = never)
   * @throws IllegalArgumentException if an epoch holds no batch
   */
  Plan(ImageBatchIterator data, int batch, boolean dropLast, int workers, long failAtStep) {
    int images = data.imagesPerEpoch();
    this.perEpoch = dropLast ? images / batch : (images + batch - 1) / batch;
    if (perEpoch < 1) {
      throw new IllegalArgumentException(
          data.dataset().source() + " has " + images + " images, fewer than a batch of " + batch);
    }
    this.data = data;
    this.batch = batch;
    this.dropLast = dropLast;
    this.workers = workers;
    this.failAtStep = failAtStep;
  }

  /** The epoch of step {@code s} (0-based). */
  int epoch(long s) {
    return (int) (s / perEpoch);
  }

  /** The dataset indices of step {@code s}'s whole batch, in batch order. */
  int[] batch(long s) {
    int e = epoch(s);
    if (e != orderEpoch) {
      order = data.order(e);
      orderEpoch = e;
    }
    int first = (int) (s % perEpoch) * batch;
    int last = dropLast ? first + batch : Math.min(first + batch, order.length);
    return Arrays.copyOfRange(order, first, last);
  }

  /** Step {@code s}'s shards, one per worker (fewer if its batch is shorter than that). */
  List<Shard> shards(long s) {
    int[] all = batch(s);
    List<Shard> out = new ArrayList<>();
    for (int[] r : Replicas.ranges(all.length, workers)) {
      out.add(
          new Shard(s, epoch(s), Arrays.copyOfRange(all, r[0], r[1]), r[0], failAtStep == s + 1));
    }
    return out;
  }
}
