package org.beit4j.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One {@link Replicas} copy of a ViT classifier being fine-tuned ({@link GradientGraph}): a {@code
 * fit} pass yields the raw gradients and the logits it computed, for the reported loss and
 * accuracy.
 */
final class ClassifierReplica {

  /** A replica's rows of a batch: images {@code [n, C, H, W]} and their labels. */
  record Shard(INDArray images, int[] labels) {}

  static final String LOSS = "loss";
  static final String ACCURACY = "acc";

  private final VisionTransformer model;
  private final GradientGraph graph;

  ClassifierReplica(VisionTransformer model, double learningRate) {
    this.model = model;
    model.configureTraining(learningRate); // adds the loss; its Adam is replaced by a no-op
    this.graph =
        new GradientGraph(
            model.sameDiff(),
            List.of(VisionTransformer.IMAGES),
            List.of(VisionTransformer.LABELS),
            Set.of(VisionTransformer.LOGITS));
  }

  VisionTransformer model() {
    return model;
  }

  /** The live parameter arrays by name. */
  Map<String, INDArray> parameters() {
    return graph.parameters();
  }

  /**
   * Gradients of the mean cross-entropy over the shard, its {@value #LOSS} and {@value #ACCURACY}
   * (from the logits the pass computed); weight = the shard's images, the loss's normaliser.
   */
  Replicas.Pass pass(Shard shard) {
    INDArray oneHot = LinearProbe.oneHot(shard.labels(), model.numClasses()); // [n, K]
    Replicas.Pass p =
        graph.pass(
            new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {shard.images()},
                new INDArray[] {oneHot.castTo(shard.images().dataType())}),
            shard.labels().length);
    double[] lossAcc = lossAndAccuracy(graph.activation(VisionTransformer.LOGITS), shard.labels());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(LOSS, lossAcc[0]);
    metrics.put(ACCURACY, lossAcc[1]);
    return new Replicas.Pass(p.gradients(), metrics, p.weight());
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
