package org.beit4j.samediff;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.evaluation.BaseEvaluation;
import org.nd4j.evaluation.IMetric;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Takes the raw gradients and the scalar metrics out of one {@code SameDiff.fit} pass and cancels
 * fit's own update.
 *
 * <p>Why: in M2.1 one {@code fit} step (forward + backward in the training session) measured 3-4x
 * faster than {@code calculateGradientsAndOutputs} on the same graph (ViT 28/4 D192 L6, batch 64:
 * 6.6-8 s vs 24-34 s on a loaded 2-core host), and a separate forward pass by {@code output} for
 * the metrics cost another quarter of a step. With a {@code NoOp} updater the array handed to
 * {@link #preUpdate} is the gradient itself, which fit subtracts from the parameter right after;
 * copying it and zeroing it leaves the parameters untouched, so the caller's own optimiser ({@link
 * org.beit4j.train.AdamW}) can apply clipping and per-parameter decay to exact gradients.
 *
 * <p>The metric ops (e.g. the accuracies) are not on the way to any gradient, so the training
 * session would skip them; each metric must be registered as a train evaluation ({@link
 * #forceOutput}) to be computed, and its value is read here when its op has run.
 */
public final class GradientCapture extends BaseListener {

  private final Map<String, String> readouts;
  private final Map<String, INDArray> gradients = new LinkedHashMap<>();
  private final Map<String, Double> metrics = new LinkedHashMap<>();

  /**
   * @param readouts scalar variables whose values to record, each with the metric name to record it
   *     under
   */
  public GradientCapture(Map<String, String> readouts) {
    this.readouts = Map.copyOf(readouts);
  }

  /** Captures gradients only. */
  public GradientCapture() {
    this(Map.of());
  }

  @Override
  public boolean isActive(Operation operation) {
    return operation == Operation.TRAINING;
  }

  @Override
  public void opExecution(
      SameDiff sd,
      At at,
      MultiDataSet batch,
      SameDiffOp op,
      OpContext opContext,
      INDArray[] outputs) {
    List<String> names = op.getOutputsOfOp();
    for (int i = 0; i < names.size(); i++) {
      String metric = readouts.get(names.get(i));
      if (metric != null) {
        metrics.put(metric, outputs[i].getDouble(0));
      }
    }
  }

  @Override
  public void preUpdate(SameDiff sd, At at, Variable v, INDArray update) {
    gradients.put(v.getName(), update.dup());
    update.assign(0);
  }

  /** The gradients of the last fit step, then forgets them. */
  public Map<String, INDArray> takeGradients() {
    Map<String, INDArray> out = new LinkedHashMap<>(gradients);
    gradients.clear();
    return out;
  }

  /** The metric values of the last fit step, then forgets them. */
  public Map<String, Double> takeMetrics() {
    Map<String, Double> out = new LinkedHashMap<>(metrics);
    metrics.clear();
    return out;
  }

  /**
   * An evaluation that does nothing: registered for a variable with {@code
   * TrainingConfig.Builder.trainEvaluation}, it only makes the training session compute that
   * variable (M2.1 ignores the variables listeners ask for in {@code requiredVariables} during
   * fit). fit hands it the batch's label array 0, so the batch must carry one.
   */
  public static BaseEvaluation<?> forceOutput() {
    return new ForceOutput();
  }

  private static final class ForceOutput extends BaseEvaluation<ForceOutput> {

    @Override
    public void eval(
        INDArray labels,
        INDArray predictions,
        INDArray mask,
        List<? extends Serializable> recordMetaData) {}

    @Override
    public void merge(ForceOutput other) {}

    @Override
    public void reset() {}

    @Override
    public String stats() {
      return "";
    }

    @Override
    public double getValue(IMetric metric) {
      return Double.NaN;
    }

    @Override
    public ForceOutput newInstance() {
      return new ForceOutput();
    }
  }
}
