package org.beit4j.spark;

import java.io.Serializable;

/**
 * One task's share of a step: the images of one worker's share of the step's batch.
 *
 * @param step 0-based index of the step (the masks' seed: {@code BlockMasking.batch(step, ...)})
 * @param epoch the data epoch of the batch (the augmentations' seed)
 * @param indices dataset indices of the shard's images, in batch order
 * @param offset row of the shard's first image within the whole batch
 * @param fail a fault injected for tests: the task throws instead of computing
 */
record Shard(long step, int epoch, int[] indices, int offset, boolean fail)
    implements Serializable {

  /** Throws if this shard carries an injected fault. */
  void failIfAsked() {
    if (fail) {
      throw new IllegalStateException("failure injected at step " + (step + 1));
    }
  }
}
