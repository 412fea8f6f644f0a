package org.beit4j.train;

import java.util.function.UnaryOperator;

/**
 * How a model is trained, apart from what it is: optimiser, schedule, batch size, logging,
 * checkpoints, seed. Model configs ({@code PretrainConfig}, {@code VqKdConfig}) hold one as their
 * {@code run} component, so that a copy with one change is one call:
 *
 * <pre>{@code
 * cfg.withRun(r -> r.withSchedule(s -> s.withLearningRate(3e-3)))
 * }</pre>
 *
 * @param optimizer AdamW's settings
 * @param schedule learning rate per step and the number of steps
 * @param batchSize images per step
 * @param logEvery steps between logged metric rows
 * @param checkpointEvery steps between periodic checkpoints, 0 = only the final one
 * @param seed seeds the initial parameters, the batch order and (MIM) the masks
 * @param replicas graph replicas that share each batch ({@link Replicas}), 0 = the host's default;
 *     the result does not depend on it beyond float rounding
 */
public record RunConfig(
    Optimizer optimizer,
    Schedule schedule,
    int batchSize,
    int logEvery,
    int checkpointEvery,
    long seed,
    int replicas) {

  /** Validates every field; messages name the field and the value. */
  public RunConfig {
    if (optimizer == null || schedule == null) {
      throw new IllegalArgumentException("optimizer and schedule must be given");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
    }
    if (logEvery < 1) {
      throw new IllegalArgumentException("logEvery must be >= 1 but was " + logEvery);
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpointEvery must be >= 0 but was " + checkpointEvery);
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0 (0 = auto) but was " + replicas);
    }
  }

  /** Steps of the whole run. */
  public int steps() {
    return schedule.totalSteps();
  }

  public RunConfig withOptimizer(UnaryOperator<Optimizer> change) {
    return new RunConfig(
        change.apply(optimizer), schedule, batchSize, logEvery, checkpointEvery, seed, replicas);
  }

  public RunConfig withSchedule(UnaryOperator<Schedule> change) {
    return new RunConfig(
        optimizer, change.apply(schedule), batchSize, logEvery, checkpointEvery, seed, replicas);
  }

  /** A copy with another length (the warm-up is cut to fit). */
  public RunConfig withSteps(int steps) {
    return withSchedule(s -> s.withTotalSteps(steps));
  }

  public RunConfig withBatchSize(int v) {
    return new RunConfig(optimizer, schedule, v, logEvery, checkpointEvery, seed, replicas);
  }

  public RunConfig withLogEvery(int v) {
    return new RunConfig(optimizer, schedule, batchSize, v, checkpointEvery, seed, replicas);
  }

  public RunConfig withCheckpointEvery(int v) {
    return new RunConfig(optimizer, schedule, batchSize, logEvery, v, seed, replicas);
  }

  public RunConfig withSeed(long v) {
    return new RunConfig(optimizer, schedule, batchSize, logEvery, checkpointEvery, v, replicas);
  }

  /** A copy with {@code v} graph replicas (0 = the host's default). */
  public RunConfig withReplicas(int v) {
    return new RunConfig(optimizer, schedule, batchSize, logEvery, checkpointEvery, seed, v);
  }
}
