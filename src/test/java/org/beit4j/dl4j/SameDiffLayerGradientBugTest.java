package org.beit4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Sentinel for the DL4J 1.0.0-M2.1 bug {@link BeitBackboneLayer#halveGradient} works around: a
 * one-matrix {@code SameDiffLayer} {@code y = flatten(x) W} gets exactly twice the true gradient.
 * If this test fails after a DL4J upgrade, the bug is fixed: remove {@code halveGradient}.
 */
class SameDiffLayerGradientBugTest {

  /** {@code y = flatten(x) W}, {@code W [16, 4]}: nothing beit4j-specific. */
  public static class Linear extends SameDiffLayer {
    public Linear() {}

    @Override
    public void defineParameters(SDLayerParams params) {
      params.addWeightParam("W", 16, 4);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
      params.get("W").assign(Nd4j.rand(params.get("W").dataType(), 16, 4).subi(0.5));
    }

    @Override
    public SDVariable defineLayer(
        SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
      return sd.mmul(sd.reshape(input, -1, 16), params.get("W")); // [B, 4]
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
      return InputType.feedForward(4);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {}
  }

  @Test
  void plainSameDiffLayerGradientIsTwiceTheFiniteDifference() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .seed(2)
                .list()
                .layer(new Linear())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(4)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 1))
                .build());
    net.init();
    Nd4j.getRandom().setSeed(4);
    DataSet data =
        new DataSet(Nd4j.rand(DataType.DOUBLE, 1, 1, 4, 4), Nd4j.rand(DataType.DOUBLE, 1, 3));
    net.setInput(data.getFeatures());
    net.setLabels(data.getLabels());
    net.computeGradientAndScore();
    double analytic = net.gradient().getGradientFor("0_W").getDouble(1, 2);
    INDArray w = net.getParam("0_W");
    double v = w.getDouble(1, 2);
    double eps = 1e-6;
    w.putScalar(1, 2, v + eps);
    double plus = net.score(data);
    w.putScalar(1, 2, v - eps);
    double minus = net.score(data);
    w.putScalar(1, 2, v);
    double numeric = (plus - minus) / (2 * eps);
    assertEquals(2.0, analytic / numeric, 1e-4, "analytic " + analytic + ", numeric " + numeric);
  }
}
