package org.beit4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.beit4j.config.VitConfig;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** DL4J's own finite-difference check of the layer's gradients, in double precision. */
class BeitBackboneLayerGradientTest {

  /** 8x8x1 images, patch 4 (2x2 grid, 5 tokens), width 8, 1 block, 2 heads: ~650 parameters. */
  static final VitConfig CFG = VitConfig.test().withImageSize(8).withWidth(8).withDepth(1);

  @Test
  void gradientsOfEveryBackboneParameterMatchFiniteDifferences() {
    // GradientCheckUtil insists on DOUBLE defaults; all tests share one JVM, so restore them.
    DataType oldType = Nd4j.dataType();
    DataType oldFloat = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      checkAllOutputs();
    } finally {
      Nd4j.setDefaultDataTypes(oldType, oldFloat);
    }
  }

  private static void checkAllOutputs() {
    for (BeitBackboneLayer.Output output :
        new BeitBackboneLayer.Output[] {
          BeitBackboneLayer.Output.CLS, BeitBackboneLayer.Output.MEAN
        }) {
      BeitBackboneLayer backbone = new BeitBackboneLayer(CFG, output, 3);
      MultiLayerConfiguration conf =
          new NeuralNetConfiguration.Builder()
              .dataType(DataType.DOUBLE)
              .updater(new NoOp())
              .seed(3)
              .list()
              .layer(backbone)
              .layer(
                  new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                      .nIn(backbone.outputSize())
                      .nOut(3)
                      .activation(Activation.SOFTMAX)
                      .build())
              .setInputType(InputType.convolutional(8, 8, 1))
              .build();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      // Move every parameter off its special initial value (zero biases, unit gains, 0.1 scales).
      Nd4j.getRandom().setSeed(5);
      net.params().addi(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.4));
      INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 8, 8);
      INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
      y.putScalar(0, 1, 1.0);
      y.putScalar(1, 2, 1.0);
      boolean ok =
          GradientCheckUtil.checkGradients(
              new GradientCheckUtil.MLNConfig()
                  .net(net)
                  .input(x)
                  .labels(y)
                  .epsilon(1e-6)
                  .maxRelError(1e-5)
                  .minAbsoluteError(1e-8)
                  .subset(true)
                  .maxPerParam(6)
                  .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
      assertTrue(ok, "gradient check failed for output " + output);
      assertInputGradientMatchesFiniteDifferences(net, x, y);
    }
  }

  /**
   * The error DL4J passes to the layers below ({@code dL/dimages}) at a few pixels. DL4J's epsilons
   * are sums over the batch while its score is the batch mean (a plain {@code DenseLayer} gives the
   * same factor {@code B}), hence {@code B * numeric}.
   */
  static void assertInputGradientMatchesFiniteDifferences(
      MultiLayerNetwork net, INDArray x, INDArray y) {
    INDArray analytic = net.calculateGradients(x, y, null, null).getSecond();
    double eps = 1e-6;
    for (long[] at : new long[][] {{0, 0, 1, 2}, {1, 0, 5, 7}, {0, 0, 7, 0}}) {
      double v = x.getDouble(at);
      x.putScalar(at, v + eps);
      double plus = net.score(new org.nd4j.linalg.dataset.DataSet(x, y));
      x.putScalar(at, v - eps);
      double minus = net.score(new org.nd4j.linalg.dataset.DataSet(x, y));
      x.putScalar(at, v);
      double numeric = x.size(0) * (plus - minus) / (2 * eps);
      double a = analytic.getDouble(at);
      assertTrue(
          Math.abs(a - numeric) <= 1e-5 * Math.max(1e-3, Math.abs(numeric)) + 1e-8,
          "dL/dx at " + java.util.Arrays.toString(at) + ": " + a + " vs numeric " + numeric);
    }
  }
}
