package org.beit4j.badinput;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.beit4j.dl4j.BackboneParams;
import org.beit4j.dl4j.BeitBackboneLayer;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Wrong shapes and value ranges into every public model call that takes images: each fails with an
 * {@link IllegalArgumentException} naming the model and what it expects; none runs on silently. All
 * models here take raw [0, 1] pixels {@code [B, 1, 28, 28]}.
 */
class BadInputsTest {

  /** A bad input and a word its message must contain. */
  enum Bad {
    FLATTENED("[B, 1, 28, 28]"),
    WRONG_SIZE("[B, 1, 28, 28]"),
    WRONG_CHANNELS("[B, 1, 28, 28]"),
    NO_BATCH_AXIS("[B, 1, 28, 28]"),
    NORMALISED("[0, 1]"),
    NAN("NaN");

    final String expected;

    Bad(String expected) {
      this.expected = expected;
    }

    INDArray images() {
      Nd4j.getRandom().setSeed(3);
      return switch (this) {
        case FLATTENED -> Nd4j.rand(DataType.FLOAT, 2, 784);
        case WRONG_SIZE -> Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32);
        case WRONG_CHANNELS -> Nd4j.rand(DataType.FLOAT, 2, 3, 28, 28);
        case NO_BATCH_AXIS -> Nd4j.rand(DataType.FLOAT, 1, 28, 28);
        case NORMALISED -> Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28).subi(0.2860f).divi(0.3530f);
        case NAN -> {
          INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28);
          x.putScalar(new long[] {1, 0, 5, 5}, Float.NaN);
          yield x;
        }
      };
    }
  }

  /** A public call taking images, and the name its messages use. */
  record Call(String name, String who, Consumer<INDArray> run) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final VitConfig CFG = VitConfig.test();

  static List<Call> calls() {
    VisionTransformer vit = VisionTransformer.build(CFG, 1, 3).configureTraining(1e-3);
    CnnTeacher teacher = CnnTeacher.load(ArtefactFixtures.root().resolve("teacher"));
    VqKdTokenizer tok = VqKdTokenizer.load(ArtefactFixtures.root().resolve("tokenizer"));
    PixelKMeansTokenizer pix =
        PixelKMeansTokenizer.load(ArtefactFixtures.root().resolve("pixel-tokenizer"));
    List<Call> calls = new ArrayList<>();
    calls.add(new Call("VisionTransformer.features", "VisionTransformer", vit::features));
    calls.add(new Call("VisionTransformer.pooled", "VisionTransformer", vit::pooled));
    calls.add(new Call("VisionTransformer.logits", "VisionTransformer", vit::logits));
    calls.add(
        new Call(
            "VisionTransformer.loss",
            "VisionTransformer",
            x -> vit.loss(x, Nd4j.zeros(DataType.FLOAT, x.size(0), 3))));
    calls.add(new Call("CnnTeacher.patchFeatures", "CNN teacher", teacher::patchFeatures));
    calls.add(new Call("CnnTeacher.logits", "CNN teacher", teacher::logits));
    calls.add(new Call("VqKdTokenizer.tokenize", "tokenizer", tok::tokenize));
    return calls;
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Call c : calls()) {
      for (Bad b : Bad.values()) {
        all.add(Arguments.of(c, b));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void badImagesAreRefusedWithAClearMessage(Call call, Bad bad) {
    INDArray x = bad.images();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> call.run().accept(x));
    String m = e.getMessage();
    assertTrue(m.contains(call.who()), "names the model: " + m);
    assertTrue(m.contains(bad.expected), bad.expected + " in: " + m);
  }

  @ParameterizedTest(name = "pixel tokenizer {0}")
  @MethodSource("shapes")
  void pixelTokenizerRefusesOtherShapes(Bad bad) {
    PixelKMeansTokenizer pix =
        PixelKMeansTokenizer.load(ArtefactFixtures.root().resolve("pixel-tokenizer"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> pix.tokenize(bad.images()));
    assertTrue(e.getMessage().contains("28"), e.getMessage());
  }

  static Stream<Bad> shapes() {
    return Stream.of(Bad.FLATTENED, Bad.WRONG_SIZE, Bad.WRONG_CHANNELS, Bad.NO_BATCH_AXIS);
  }

  static MultiLayerNetwork network(InputType inputType) {
    BeitBackboneLayer backbone = new BeitBackboneLayer(CFG, BeitBackboneLayer.Output.CLS, 0);
    NeuralNetConfiguration.ListBuilder b =
        new NeuralNetConfiguration.Builder()
            .list()
            .layer(backbone)
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(backbone.outputSize())
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build());
    if (inputType != null) {
      b.setInputType(inputType);
    }
    MultiLayerConfiguration conf = b.build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @ParameterizedTest(name = "DL4J layer {0}")
  @MethodSource("shapes")
  void backboneLayerRefusesOtherShapesNamingTheLayer(Bad bad) {
    MultiLayerNetwork net = network(null); // no InputType: the images reach the layer as given
    Exception e = assertThrows(Exception.class, () -> net.output(bad.images()));
    Throwable t = e;
    while (!(t instanceof IllegalArgumentException) && t.getCause() != null) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    assertTrue(m.contains("BeitBackboneLayer"), m);
    assertTrue(m.contains("[B, C, H, W] = [B, 1, 28, 28]"), m);
  }

  @Test
  void backboneLayerTakesFlattenedRowsOnlyThroughConvolutionalFlat() {
    MultiLayerNetwork net = network(InputType.convolutionalFlat(28, 28, 1));
    INDArray out = net.output(Bad.FLATTENED.images());
    assertTrue(out.shape()[0] == 2 && out.shape()[1] == 3, java.util.Arrays.toString(out.shape()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> network(InputType.convolutional(32, 32, 1))); // config time, naming the layer
    assertTrue(e.getMessage().contains("BeitBackboneLayer"), e.getMessage());
  }

  @Test
  void copyIntoALayerOfAnotherShapeNamesTheDifferingFields() {
    VisionTransformer deeper =
        VisionTransformer.build(CFG.withDepth(CFG.depth() + 2).withWidth(CFG.width() * 2), 1);
    MultiLayerNetwork net = network(InputType.convolutional(28, 28, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BackboneParams.copy(deeper, net, 0));
    String m = e.getMessage();
    assertTrue(m.contains("depth: " + (CFG.depth() + 2) + " vs " + CFG.depth()), m);
    assertTrue(m.contains("width: " + (CFG.width() * 2) + " vs " + CFG.width()), m);
  }
}
