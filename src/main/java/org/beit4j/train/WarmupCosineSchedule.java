package org.beit4j.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Per-step learning rate of BEiT pretraining: linear warm-up, then a half cosine down to a floor.
 *
 * <pre>
 * lr(t) = peak * (t + 1) / W                                          t &lt; W
 * lr(t) = floor + (peak - floor) * (1 + cos(pi * (t - W) / (T - W))) / 2   W &lt;= t &lt; T
 * lr(t) = floor                                                        t &gt;= T
 * </pre>
 *
 * {@code t} is the 0-based index of the optimiser step. The official {@code cosine_scheduler} warms
 * up with {@code linspace(0, peak, W)}, whose first step has rate 0; here step 0 already moves
 * ({@code peak / W}) and step {@code W - 1} reaches the peak. The epoch argument of {@link
 * ISchedule#valueAt} is ignored.
 */
public final class WarmupCosineSchedule implements ISchedule {

  private static final long serialVersionUID = 1L;

  private final double peak;
  private final double floor;
  private final int warmupSteps;
  private final int totalSteps;

  /**
   * A schedule from {@code peak} (after {@code warmupSteps} steps) down to {@code floor} (at {@code
   * totalSteps}). The JSON names let a graph saved with this schedule in its training config be
   * loaded again.
   */
  @JsonCreator
  public WarmupCosineSchedule(
      @JsonProperty("peak") double peak,
      @JsonProperty("floor") double floor,
      @JsonProperty("warmupSteps") int warmupSteps,
      @JsonProperty("totalSteps") int totalSteps) {
    if (!(peak >= floor) || !(floor >= 0)) {
      throw new IllegalArgumentException(
          "need peak >= floor >= 0 but got peak=" + peak + ", floor=" + floor);
    }
    Schedule.checkSteps(warmupSteps, totalSteps);
    this.peak = peak;
    this.floor = floor;
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
  }

  /** The rate of step {@code t}. */
  public double at(long t) {
    if (t < warmupSteps) {
      return peak * (t + 1) / warmupSteps;
    }
    if (t >= totalSteps) {
      return floor;
    }
    double progress = (double) (t - warmupSteps) / (totalSteps - warmupSteps);
    return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    return at(iteration);
  }

  @Override
  public ISchedule clone() {
    return new WarmupCosineSchedule(peak, floor, warmupSteps, totalSteps);
  }
}
