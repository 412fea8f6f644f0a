package org.beit4j.samediff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beit4j.train.Replicas;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * A training graph set up to hand out, for one {@code fit} pass on a batch, the gradients of its
 * loss ({@link GradientCapture}, fit's own update cancelled) and chosen activations of the same
 * pass ({@link ActivationCapture}), as a {@link Replicas} replica: the caller's optimiser applies
 * the (combined) gradients.
 */
public final class GradientGraph {

  private final SameDiff sd;
  private final GradientCapture gradients = new GradientCapture();
  private final ActivationCapture activations;
  private final List<String> parameters = new ArrayList<>();

  /**
   * Replaces {@code sd}'s training configuration by a no-op updater with these placeholder mappings
   * and attaches the captures.
   *
   * @param features placeholders fed by a batch's features, in order
   * @param labels placeholders fed by a batch's labels, in order
   * @param capture activations to keep from each pass
   */
  public GradientGraph(
      SameDiff sd, List<String> features, List<String> labels, Set<String> capture) {
    this.sd = sd;
    this.activations = new ActivationCapture(capture);
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new NoOp())
            .dataSetFeatureMapping(features)
            .dataSetLabelMapping(labels)
            .build());
    sd.addListeners(gradients, activations);
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        parameters.add(v.name());
      }
    }
  }

  /**
   * One fit pass: the gradients of the loss on {@code batch}, with {@code weight} the size of the
   * loss's normaliser (e.g. the batch's images for a batch mean). The activations of the pass are
   * then readable by {@link #activation}.
   */
  public Replicas.Pass pass(MultiDataSet batch, double weight) {
    activations.clear();
    sd.fit(batch);
    Map<String, INDArray> g = gradients.takeGradients();
    if (g.size() != parameters.size()) {
      throw new IllegalStateException(
          "fit produced " + g.size() + " gradients for " + parameters.size() + " parameters");
    }
    return new Replicas.Pass(g, Map.of(), weight);
  }

  /** An activation of the last {@link #pass}, or null if its op did not run. */
  public INDArray activation(String name) {
    return activations.get(name);
  }

  /** The live parameter arrays by name, in graph order. */
  public Map<String, INDArray> parameters() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : parameters) {
      out.put(name, sd.getVariable(name).getArr());
    }
    return out;
  }

  public SameDiff sameDiff() {
    return sd;
  }
}
