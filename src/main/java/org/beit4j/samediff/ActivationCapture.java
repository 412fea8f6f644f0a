package org.beit4j.samediff;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Keeps copies of chosen activations computed inside {@code fit}, so the training loop can use the
 * code indices and encoder outputs of a step without a second forward pass.
 */
public final class ActivationCapture extends BaseListener {

  private final Set<String> names;
  private final Map<String, INDArray> values = new HashMap<>();

  /** Captures the outputs named {@code names}. */
  public ActivationCapture(Set<String> names) {
    this.names = Set.copyOf(names);
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
    List<String> outs = op.getOutputsOfOp();
    for (int i = 0; i < outs.size() && i < outputs.length; i++) {
      if (names.contains(outs.get(i))) {
        values.put(outs.get(i), outputs[i].dup());
      }
    }
  }

  /** The value captured in the last step, or null if the op did not run. */
  public INDArray get(String name) {
    return values.get(name);
  }

  /** Forgets the captured values. */
  public void clear() {
    values.clear();
  }
}
