package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.beit4j.Beit4j;
import org.beit4j.quantizer.Codebook;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.quantizer.QuantizerConfig;
import org.beit4j.quantizer.VectorQuantizer;
import org.beit4j.quantizer.VectorQuantizerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The pieces assembled the way the tokenizer will use them: a linear "encoder", the quantizer with
 * its codebook as a graph constant, a linear "decoder", the eq. (2) loss; gradient steps by {@code
 * fit}, and after each step the EMA update from Java with the graph's own code indices.
 */
class QuantizerTrainingTest {

  @BeforeAll
  static void init() {
    Beit4j.init();
  }

  @Test
  void distillationLossFallsWithEmaCodebookBetweenFitSteps() {
    Random r = new Random(2);
    int m = 64;
    double[][] centres = VectorQuantizerTest.gaussian(r, 4, 6);
    double[][] teacherOf = VectorQuantizerTest.gaussian(r, 4, 5);
    double[][] x = new double[m][6];
    double[][] t = new double[m][];
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < 6; c++) {
        x[i][c] = centres[i % 4][c] + 0.1 * r.nextGaussian();
      }
      t[i] = teacherOf[i % 4];
    }
    INDArray xs = Nd4j.create(x).castTo(DataType.FLOAT);
    INDArray ts = Nd4j.create(t).castTo(DataType.FLOAT);
    QuantizerConfig cfg =
        QuantizerConfig.small().withCodebookSize(8).withCodeDim(4).withEmaDecay(0.9);

    SameDiff sd = SameDiff.create();
    SDVariable xv = sd.placeHolder("x", DataType.FLOAT, -1, 6);
    SDVariable tv = sd.placeHolder("t", DataType.FLOAT, -1, 5);
    SDVariable w1 = sd.var("enc/w", Nd4j.rand(DataType.FLOAT, 6, 4).subi(0.5));
    SDVariable w2 = sd.var("dec/w", Nd4j.rand(DataType.FLOAT, 4, 5).subi(0.5));
    SDVariable h = sd.mmul("enc/h", xv, w1); // [M, d]
    Codebook codebook = Codebook.init(cfg, sd.output(Map.of("x", xs), "enc/h").get("enc/h"), 7);
    SDVariable cb = VectorQuantizer.codebookConstant(sd, "vq", codebook); // [K, d]
    VectorQuantizer.Quantized q = VectorQuantizer.quantize(sd, "vq", h, cb, cfg);
    SDVariable o = sd.mmul("dec/o", q.zq(), w2); // [M, Dt]
    SDVariable distill = VectorQuantizer.distillationLoss(sd, "loss/distill", o, tv);
    SDVariable loss = distill.add("loss/total", q.commitment());
    sd.setLossVariables(loss);
    sd.setTrainingConfig(
        new TrainingConfig.Builder()
            .updater(new Adam(0.05))
            .dataSetFeatureMapping("x")
            .dataSetLabelMapping("t")
            .build());

    DataSet batch = new DataSet(xs, ts);
    double first = distillValue(sd, distill.name(), xs, ts);
    for (int step = 0; step < 40; step++) {
      sd.fit(batch);
      Map<String, INDArray> out = sd.output(Map.of("x", xs), "enc/h", q.indices().name());
      codebook.update(out.get("enc/h"), out.get(q.indices().name()).toIntVector());
      codebook.copyTo(sd, cb.name());
    }
    double last = distillValue(sd, distill.name(), xs, ts);
    org.slf4j.LoggerFactory.getLogger(getClass())
        .info(
            "distill {} -> {}, {}",
            first,
            last,
            CodebookHealth.of(
                codebook.nearest(sd.output(Map.of("x", xs), "enc/h").get("enc/h")), 8));
    assertTrue(last < 0.25 * first, "distillation loss " + first + " -> " + last);
  }

  private static double distillValue(SameDiff sd, String name, INDArray x, INDArray t) {
    return sd.output(Map.of("x", x, "t", t), name).get(name).getDouble(0);
  }
}
