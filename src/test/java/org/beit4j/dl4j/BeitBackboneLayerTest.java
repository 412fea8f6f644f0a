package org.beit4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.nn.VisionTransformer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BeitBackboneLayerTest {

  static final VitConfig CFG = VitConfig.test();

  static INDArray images(int batch, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
  }

  static MultiLayerNetwork network(BeitBackboneLayer.Output output, long seed, int classes) {
    BeitBackboneLayer backbone = new BeitBackboneLayer(CFG, output, seed);
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .updater(new Adam(3e-3))
            .list()
            .layer(backbone)
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(backbone.outputSize())
                    .nOut(classes)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutional(28, 28, 1))
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static INDArray backboneOutput(MultiLayerNetwork net, INDArray x) {
    return net.feedForwardToLayer(0, x, false).get(1);
  }

  static double maxAbsDiff(INDArray a, INDArray b) {
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
  }

  @Test
  void newLayerIsInitialisedLikeVisionTransformerBuildWithTheSameSeed() {
    MultiLayerNetwork net = network(BeitBackboneLayer.Output.CLS, 11, 3);
    VisionTransformer vt = VisionTransformer.build(CFG, 11);
    INDArray x = images(4, 1);
    INDArray expected = vt.pooled(x);
    INDArray actual = backboneOutput(net, x);
    assertArrayEquals(new long[] {4, 32}, actual.shape());
    assertTrue(maxAbsDiff(expected, actual) < 1e-5, "diff " + maxAbsDiff(expected, actual));
    assertEquals(vt.parameterCount(), net.getLayer(0).numParams());
  }

  @Test
  void copiedWeightsGiveTheVisionTransformerOutputsInAMultiLayerNetwork() {
    VisionTransformer vt = VisionTransformer.build(CFG, 5);
    // Make every parameter matter (layer scale 0.1 and zero biases would hide mistakes).
    for (INDArray p : BackboneParams.backboneArrays(vt.sameDiff()).values()) {
      p.addi(Nd4j.rand(DataType.FLOAT, p.shape()).subi(0.5).muli(0.2));
    }
    MultiLayerNetwork net = network(BeitBackboneLayer.Output.CLS, 99, 3);
    INDArray x = images(3, 2);
    double before = maxAbsDiff(vt.pooled(x), backboneOutput(net, x));
    assertTrue(before > 1e-2, "different seeds should differ, diff " + before);
    BackboneParams.copy(vt, net, 0);
    double after = maxAbsDiff(vt.pooled(x), backboneOutput(net, x));
    System.out.printf("MultiLayerNetwork vs VisionTransformer.pooled: max |diff| %.3g%n", after);
    assertTrue(after < 1e-5, "diff " + after);
  }

  @Test
  void meanAndTokenOutputsInAComputationGraphEqualTheVisionTransformer() {
    VisionTransformer vt =
        VisionTransformer.build(CFG, 8, 0, VisionTransformer.Pool.MEAN, DataType.FLOAT);
    for (INDArray p : BackboneParams.backboneArrays(vt.sameDiff()).values()) {
      p.addi(Nd4j.rand(DataType.FLOAT, p.shape()).subi(0.5).muli(0.2));
    }
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional(28, 28, 1))
            .addLayer("mean", new BeitBackboneLayer(CFG, BeitBackboneLayer.Output.MEAN, 1), "in")
            .addLayer(
                "tokens", new BeitBackboneLayer(CFG, BeitBackboneLayer.Output.TOKENS, 2), "in")
            .setOutputs("mean", "tokens")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    BackboneParams.copy(vt, graph, "mean");
    BackboneParams.copy(vt, graph, "tokens");
    INDArray x = images(2, 3);
    INDArray[] out = graph.output(x);
    assertArrayEquals(new long[] {2, 32}, out[0].shape());
    assertArrayEquals(new long[] {2, 50 * 32}, out[1].shape());
    double pooled = maxAbsDiff(vt.pooled(x), out[0]);
    double tokens = maxAbsDiff(vt.features(x).reshape(2, 50 * 32), out[1]);
    System.out.printf("ComputationGraph: max |diff| pooled %.3g, tokens %.3g%n", pooled, tokens);
    assertTrue(pooled < 1e-5, "pooled diff " + pooled);
    assertTrue(tokens < 1e-5, "tokens diff " + tokens);
  }

  @Test
  void fitWithAnOutputLayerLowersTheLossAndModelSerializerRoundTrips(@TempDir Path dir)
      throws Exception {
    MultiLayerNetwork net = network(BeitBackboneLayer.Output.CLS, 3, 3);
    DataSet train = ImageDataSets.of(new SyntheticImages(24, 1, 28, 28, 3, 4), 0, 24);
    double before = net.score(train);
    INDArray backboneBefore = net.getLayer(0).params().dup();
    for (int step = 0; step < 20; step++) {
      net.fit(train);
    }
    double after = net.score(train);
    System.out.printf("MultiLayerNetwork fit: loss %.4f -> %.4f after 20 steps%n", before, after);
    assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
    // The backbone itself was fine-tuned, not just the output layer.
    assertTrue(maxAbsDiff(backboneBefore, net.getLayer(0).params()) > 1e-4);

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
    INDArray x = train.getFeatures();
    assertEquals(net.output(x), restored.output(x));
    assertEquals(net.params(), restored.params());
    // The updater state came along: one more step is the same on both.
    net.fit(train);
    restored.fit(train);
    assertTrue(maxAbsDiff(net.params(), restored.params()) < 1e-6);
  }

  @Test
  void wrongInputTypeIsRejectedWithTheExpectedShape() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new NeuralNetConfiguration.Builder()
                    .list()
                    .layer(new BeitBackboneLayer(CFG, BeitBackboneLayer.Output.CLS, 1))
                    .setInputType(InputType.convolutional(32, 32, 3))
                    .build());
    assertTrue(e.getMessage().contains("InputType.convolutional(28, 28, 1)"), e.getMessage());
  }

  @Test
  void dl4jKeysMapToBeit4jNames() {
    assertEquals("block0.attn.qkv.w", BackboneParams.key("vit/block0/attn/qkv/w"));
    assertEquals("vit/relpos/table", BackboneParams.vitName("relpos.table"));
    for (String k : BackboneParams.shapes(CFG).keySet()) {
      assertTrue(!k.contains("_") && !k.contains("/"), k);
    }
  }
}
