package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.quantizer.Codebook;
import org.beit4j.samediff.ActivationCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The assembled tokenizer graph: shapes and the straight-through estimator inside it. */
class VqKdGraphTest {

  private static final String HNORM = "vqkd/quantizer/hnorm/out";
  private static final String ZQ = "vqkd/quantizer/st/zq";
  private static final String EZ = "vqkd/quantizer/lookup/ez";

  @BeforeAll
  static void init() {
    Beit4j.init();
  }

  private static Map<String, INDArray> inputs(VqKdConfig cfg, int b) {
    Nd4j.getRandom().setSeed(3);
    return Map.of(
        VqKdGraph.IMAGES,
        Nd4j.rand(DataType.FLOAT, b, 1, 28, 28),
        VqKdGraph.TEACHER,
        Nd4j.rand(DataType.FLOAT, b, cfg.numPatches(), cfg.teacherDim()).subi(0.5));
  }

  @Test
  void shapesOfEveryOutput() {
    VqKdConfig cfg = VqKdConfig.test();
    SameDiff sd =
        VqKdGraph.build(cfg, Codebook.random(cfg.quantizer(), DataType.FLOAT, 1).embeddings());
    Map<String, INDArray> out =
        sd.output(
            inputs(cfg, 3),
            VqKdGraph.H,
            VqKdGraph.QUANTIZER_INPUT,
            VqKdGraph.INDICES,
            VqKdGraph.OUTPUT,
            VqKdGraph.DISTILL,
            VqKdGraph.TOTAL);
    assertArrayEquals(new long[] {3 * 49, 8}, out.get(VqKdGraph.H).shape());
    assertArrayEquals(new long[] {3 * 49, 8}, out.get(VqKdGraph.QUANTIZER_INPUT).shape());
    assertArrayEquals(new long[] {3 * 49}, out.get(VqKdGraph.INDICES).shape());
    assertArrayEquals(new long[] {3 * 49, 16}, out.get(VqKdGraph.OUTPUT).shape());
    double distill = out.get(VqKdGraph.DISTILL).getDouble(0);
    assertTrue(distill > 0 && distill < 2, "1 - cos in (0, 2): " + distill);
    INDArray norms = out.get(VqKdGraph.QUANTIZER_INPUT).norm2(1);
    assertEquals(1.0, norms.minNumber().doubleValue(), 1e-5);
    assertEquals(1.0, norms.maxNumber().doubleValue(), 1e-5);
  }

  @Test
  void straightThroughCopiesTheGradientAndTheCodebookGetsNone() {
    VqKdConfig cfg = VqKdConfig.test();
    cfg = cfg.withQuantizer(cfg.quantizer().withBeta(0));
    SameDiff sd =
        VqKdGraph.build(cfg, Codebook.random(cfg.quantizer(), DataType.FLOAT, 1).embeddings());
    assertEquals(VariableType.CONSTANT, sd.getVariable(VqKdGraph.CODEBOOK).getVariableType());
    Map<String, INDArray> g = sd.calculateGradients(inputs(cfg, 2), HNORM, ZQ, EZ);
    INDArray dh = g.get(HNORM);
    INDArray dzq = g.get(ZQ);
    assertTrue(dzq.norm2Number().doubleValue() > 0, "dL/dzq must not vanish");
    assertEquals(dzq, dh, "dL/dh == dL/dzq exactly with beta = 0");
    INDArray dez = g.get(EZ);
    assertTrue(dez == null || dez.amaxNumber().doubleValue() == 0, "no gradient to e_z: " + dez);
  }

  @Test
  void commitmentAddsItsOwnGradientOnly() {
    VqKdConfig cfg = VqKdConfig.test();
    double beta = 1.0;
    cfg = cfg.withQuantizer(cfg.quantizer().withBeta(beta));
    SameDiff sd =
        VqKdGraph.build(cfg, Codebook.random(cfg.quantizer(), DataType.FLOAT, 1).embeddings());
    Map<String, INDArray> in = inputs(cfg, 2);
    Map<String, INDArray> g = sd.calculateGradients(in, HNORM, ZQ);
    Map<String, INDArray> v = sd.output(in, HNORM, EZ);
    long count = v.get(HNORM).length();
    // d/dh of beta * mean((h - sg(e))^2) = 2 beta (h - e) / (M d)
    INDArray expected = v.get(HNORM).sub(v.get(EZ)).muli(2 * beta / count);
    INDArray diff = g.get(HNORM).sub(g.get(ZQ));
    assertTrue(
        diff.sub(expected).amaxNumber().doubleValue() < 1e-6,
        "dL/dh - dL/dzq = commitment gradient");
  }

  @Test
  void valuesCapturedInsideFitEqualAForwardPassBeforeTheStep() {
    VqKdConfig cfg = VqKdConfig.test();
    SameDiff sd =
        VqKdGraph.build(cfg, Codebook.random(cfg.quantizer(), DataType.FLOAT, 1).embeddings());
    sd.setTrainingConfig(
        new org.nd4j.autodiff.samediff.TrainingConfig.Builder()
            .updater(new org.nd4j.linalg.learning.config.Adam(1e-3))
            .dataSetFeatureMapping(VqKdGraph.IMAGES)
            .dataSetLabelMapping(VqKdGraph.TEACHER)
            .build());
    Map<String, INDArray> in = inputs(cfg, 2);
    String idx = "vqkd/quantizer/nearest/indices";
    Map<String, INDArray> before = sd.output(in, VqKdGraph.DISTILL, VqKdGraph.COMMIT, idx, HNORM);
    ActivationCapture capture =
        new ActivationCapture(java.util.Set.of(VqKdGraph.DISTILL, VqKdGraph.COMMIT, idx, HNORM));
    sd.fit(
        new org.nd4j.linalg.dataset.MultiDataSet(
            new INDArray[] {in.get(VqKdGraph.IMAGES)}, new INDArray[] {in.get(VqKdGraph.TEACHER)}),
        capture);
    double distill = before.get(VqKdGraph.DISTILL).getDouble(0);
    assertTrue(distill > 0.1, "distill " + distill);
    assertEquals(distill, capture.get(VqKdGraph.DISTILL).getDouble(0), 1e-6);
    assertEquals(
        before.get(VqKdGraph.COMMIT).getDouble(0),
        capture.get(VqKdGraph.COMMIT).getDouble(0),
        1e-7);
    assertArrayEquals(before.get(idx).toIntVector(), capture.get(idx).toIntVector());
    assertEquals(before.get(HNORM), capture.get(HNORM));
    // and the step changed the parameters: a forward pass now gives another loss
    double after = sd.output(in, VqKdGraph.DISTILL).get(VqKdGraph.DISTILL).getDouble(0);
    assertTrue(after != distill, "parameters moved");
  }
}
