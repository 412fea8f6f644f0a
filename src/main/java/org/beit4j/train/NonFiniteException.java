package org.beit4j.train;

/**
 * Training produced a NaN or an infinity: thrown by {@link #require} at the step it appeared,
 * before anything of that step is saved, so the newest checkpoint (if the trainer writes any) is
 * the last good state. Every trainer's loop makes one {@link #require} call per step.
 */
public final class NonFiniteException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final long step;
  private final String quantity;

  NonFiniteException(String training, long step, String quantity, double value) {
    super(
        training
            + " stopped at step "
            + step
            + ": "
            + quantity
            + " is "
            + value
            + " (diverged: lower the learning rate or check the data for NaN); nothing of step "
            + step
            + " was saved, the newest checkpoint, if any, is the last good state");
    this.step = step;
    this.quantity = quantity;
  }

  /**
   * Stops training when {@code value} is NaN or infinite.
   *
   * @param training what is being trained, e.g. "pretraining"
   * @param step the step that produced {@code value} (1-based)
   * @param quantity what {@code value} is, e.g. "loss"
   * @throws NonFiniteException naming the step and the quantity
   */
  public static void require(String training, long step, String quantity, double value) {
    if (!Double.isFinite(value)) {
      throw new NonFiniteException(training, step, quantity, value);
    }
  }

  /** {@link #require} of two quantities, in this order (e.g. the loss and the gradient norm). */
  public static void require(
      String training, long step, String quantity, double value, String other, double otherValue) {
    require(training, step, quantity, value);
    require(training, step, other, otherValue);
  }

  /** The step that produced the non-finite value. */
  public long step() {
    return step;
  }

  /** The quantity that was not finite. */
  public String quantity() {
    return quantity;
  }
}
