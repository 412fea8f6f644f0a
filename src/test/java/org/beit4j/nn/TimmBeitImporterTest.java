package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TimmBeitImporterTest {

  /** The fixture's architecture: make_tiny_beit.py uses VitConfig.test()'s sizes. */
  static final VitConfig CFG = VitConfig.test();

  static final Path FILE = SafetensorsReaderTest.fixture("tiny_beit.safetensors");

  static INDArray npy(String name) {
    return Nd4j.createFromNpyFile(SafetensorsReaderTest.fixture(name + ".npy").toFile())
        .castTo(DataType.FLOAT);
  }

  static double maxAbsDiff(INDArray a, INDArray b) {
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
  }

  static Map<String, INDArray> stateDict() throws IOException {
    return new LinkedHashMap<>(SafetensorsReader.read(FILE));
  }

  static IllegalArgumentException importError(Map<String, INDArray> sd, VitConfig cfg) {
    VisionTransformer model =
        VisionTransformer.build(cfg, 0, 5, VisionTransformer.Pool.CLS, DataType.FLOAT);
    return assertThrows(
        IllegalArgumentException.class, () -> TimmBeitImporter.importInto(model, sd, "tiny"));
  }

  @Test
  void importedModelMatchesPyTorchOutputs() throws IOException {
    VisionTransformer model = TimmBeitImporter.load(FILE, CFG);
    assertEquals(5, model.numClasses());
    INDArray x = npy("input");
    INDArray features = model.features(x);
    INDArray logits = model.logits(x);
    double fe = maxAbsDiff(npy("expected_features"), features);
    double le = maxAbsDiff(npy("expected_logits"), logits);
    System.out.printf(
        "tiny BEiT import vs PyTorch: max |diff| features %.3g, logits %.3g%n", fe, le);
    assertTrue(fe < 1e-4, "features diff " + fe);
    assertTrue(le < 1e-4, "logits diff " + le);
    // Not trivially small: the outputs are of order 1.
    assertTrue(npy("expected_logits").amaxNumber().doubleValue() > 0.1);
  }

  @Test
  void timmLayerScaleNamesAndAHeadlessTargetAreAccepted() throws IOException {
    Map<String, INDArray> sd = new LinkedHashMap<>();
    stateDict()
        .forEach(
            (k, v) -> sd.put(k.replace("gamma_1", "ls1.gamma").replace("gamma_2", "ls2.gamma"), v));
    assertTrue(sd.containsKey("blocks.1.ls2.gamma"));
    VisionTransformer model = VisionTransformer.build(CFG, 1);
    TimmBeitImporter.importInto(model, sd, "timm-named"); // head.* ignored: no head
    model = model.withInputContract(TimmBeitImporter.inputContract(CFG)); // standardised input
    INDArray cls =
        npy("expected_features")
            .get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
    assertTrue(maxAbsDiff(cls, model.pooled(npy("input"))) < 1e-4);
  }

  @Test
  void missingTensorIsNamedWithItsExpectedShape() throws IOException {
    Map<String, INDArray> sd = stateDict();
    sd.remove("blocks.1.attn.qkv.weight");
    String m = importError(sd, CFG).getMessage();
    assertTrue(m.contains("missing blocks.1.attn.qkv.weight (expected [96, 32])"), m);
  }

  @Test
  void unexpectedTensorIsNamed() throws IOException {
    Map<String, INDArray> sd = stateDict();
    sd.put("blocks.0.attn.k_bias", Nd4j.zeros(DataType.FLOAT, 32));
    String m = importError(sd, CFG).getMessage();
    assertTrue(m.contains("unexpected blocks.0.attn.k_bias [32]"), m);
  }

  @Test
  void wrongShapeIsNamedWithExpectedAndActualShapes() throws IOException {
    Map<String, INDArray> sd = stateDict();
    sd.put("blocks.0.mlp.fc1.weight", Nd4j.zeros(DataType.FLOAT, 32, 64)); // not transposed
    String m = importError(sd, CFG).getMessage();
    assertTrue(
        m.contains("blocks.0.mlp.fc1.weight has shape [32, 64]") && m.contains("expects [64, 32]"),
        m);
  }

  @Test
  void aConfigThatDoesNotFitListsEveryProblemAndWritesNothing() throws IOException {
    VitConfig deeper = CFG.withDepth(3);
    VisionTransformer model =
        VisionTransformer.build(deeper, 0, 5, VisionTransformer.Pool.CLS, DataType.FLOAT);
    INDArray before = model.sameDiff().getVariable("vit/block0/attn/qkv/w").getArr().dup();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TimmBeitImporter.importInto(model, stateDict(), "tiny"));
    assertTrue(e.getMessage().contains("missing blocks.2.norm1.weight"), e.getMessage());
    assertEquals(before, model.sameDiff().getVariable("vit/block0/attn/qkv/w").getArr());

    Map<String, INDArray> perBlock = stateDict();
    perBlock.put("blocks.0.attn.relative_position_bias_table", Nd4j.zeros(DataType.FLOAT, 172, 2));
    assertTrue(
        importError(perBlock, CFG)
            .getMessage()
            .contains("per-block relative position bias is not supported"));
  }

  @Test
  void aWrongRelativePositionIndexIsRejected() throws IOException {
    Map<String, INDArray> sd = stateDict();
    INDArray index = sd.get("rel_pos_bias.relative_position_index").dup();
    index.putScalar(1, 2, 0);
    sd.put("rel_pos_bias.relative_position_index", index);
    assertTrue(
        importError(sd, CFG)
            .getMessage()
            .contains("differs from beit4j's relative position index"));
    assertArrayEquals(new long[] {50, 50}, index.shape());
  }
}
