package org.beit4j.spark;

import java.io.Serializable;

/**
 * What one worker sends back after a round of {@code --sync-every N} local AdamW steps.
 *
 * @param parameters its parameters after the round
 * @param moments its AdamW moments after the round ({@code m/<name>}, {@code v/<name>})
 * @param images images it trained on in the round (its weight in the average)
 * @param steps per local step, the metrics and weight of its shard (no gradients)
 * @param learningRates per local step, the rate it used
 * @param gradNorms per local step, its own gradient's norm before clipping
 * @param seconds time spent on the round's images, passes and updates
 */
record LocalRound(
    NamedFloats parameters,
    NamedFloats moments,
    long images,
    ShardPass[] steps,
    double[] learningRates,
    double[] gradNorms,
    double seconds)
    implements Serializable {

  /** The step count's entry in {@link org.beit4j.train.AdamW#state}. */
  static final String STEP = "step";
}
