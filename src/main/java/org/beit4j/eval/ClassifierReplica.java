package org.beit4j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.samediff.ActivationCapture;
import org.beit4j.samediff.GradientCapture;
import org.beit4j.train.Replicas;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * One {@link Replicas} copy of a ViT classifier being fine-tuned: its graph set up so that a {@code
 * fit} pass yields the raw gradients ({@link GradientCapture}, fit's own update cancelled) and the
 * logits it computed ({@link ActivationCapture}) for the reported loss and accuracy.
 */
final class ClassifierReplica {

  /** A replica's rows of a batch: images {@code [n, C, H, W]} and their labels. */
  record Shard(INDArray images, int[] labels) {}

  static final String LOSS = "loss";
  static final String ACCURACY = "acc";

  private final VisionTransformer model;
  private final GradientCapture gradients = new GradientCapture();
  private final ActivationCapture logits = new ActivationCapture(Set.of(VisionTransformer.LOGITS));
  private final List<String> parameters = new ArrayList<>();

  ClassifierReplica(VisionTransformer model, double learningRate) {
    this.model = model;
    SameDiff sd = model.sameDiff();
    model.configureTraining(learningRate); // adds the loss; its Adam is replaced below
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new NoOp())
            .dataSetFeatureMapping(VisionTransformer.IMAGES)
            .dataSetLabelMapping(VisionTransformer.LABELS)
            .build());
    sd.addListeners(gradients, logits);
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        parameters.add(v.name());
      }
    }
  }

  VisionTransformer model() {
    return model;
  }

  /** The live parameter arrays by name. */
  Map<String, INDArray> parameters() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : parameters) {
      out.put(name, model.sameDiff().getVariable(name).getArr());
    }
    return out;
  }

  /**
   * Gradients of the mean cross-entropy over the shard, its {@value #LOSS} and {@value #ACCURACY}
   * (from the logits the pass computed); weight = the shard's images, the loss's normaliser.
   */
  Replicas.Pass pass(Shard shard) {
    INDArray oneHot = LinearProbe.oneHot(shard.labels(), model.numClasses()); // [n, K]
    logits.clear();
    model.fit(
        new org.nd4j.linalg.dataset.MultiDataSet(
            new INDArray[] {shard.images()},
            new INDArray[] {oneHot.castTo(shard.images().dataType())}));
    Map<String, INDArray> grads = gradients.takeGradients();
    if (grads.size() != parameters.size()) {
      throw new IllegalStateException(
          "fit produced " + grads.size() + " gradients for " + parameters.size() + " parameters");
    }
    double[] lossAcc = lossAndAccuracy(logits.get(VisionTransformer.LOGITS), shard.labels());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(LOSS, lossAcc[0]);
    metrics.put(ACCURACY, lossAcc[1]);
    return new Replicas.Pass(grads, metrics, shard.labels().length);
  }

  private static double[] lossAndAccuracy(INDArray z, int[] labels) {
    if (z == null) {
      return new double[] {Double.NaN, Double.NaN};
    }
    INDArray p = LinearProbe.softmax(z.castTo(DataType.DOUBLE).dup()); // [n, K]
    int[] pred = p.argMax(1).toIntVector();
    double loss = 0;
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      loss -= Math.log(Math.max(1e-30, p.getDouble(i, labels[i])));
      right += pred[i] == labels[i] ? 1 : 0;
    }
    return new double[] {loss / labels.length, (double) right / labels.length};
  }
}
