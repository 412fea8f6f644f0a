package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/** The iterator's batches feed a SameDiff graph's placeholders and train it. */
class ImageBatchIteratorSameDiffTest {

  static {
    Beit4j.init();
  }

  @Test
  void softmaxClassifierLearnsSyntheticStripes() {
    SyntheticImages data = new SyntheticImages(64, 1, 8, 8, 2, 1);
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("image", DataType.FLOAT, -1, 1, 8, 8); // [B, 1, 8, 8]
    SDVariable y = sd.placeHolder("label", DataType.FLOAT, -1, 2); // [B, 2]
    SDVariable w = sd.var("cls/w", new XavierInitScheme('c', 64, 2), DataType.FLOAT, 64, 2);
    SDVariable b = sd.zero("cls/b", DataType.FLOAT, 1, 2);
    SDVariable logits = x.reshape(-1, 64).mmul(w).add(b); // [B, 2]
    // mean cross-entropy over the batch of 16 (every batch is full: 64 images)
    SDVariable loss = sd.math().neg(y.mul(sd.nn().logSoftmax(logits)).sum()).div(16).rename("loss");
    sd.setLossVariables(loss);
    sd.setTrainingConfig(
        new TrainingConfig.Builder()
            .updater(new Adam(0.05))
            .dataSetFeatureMapping("image")
            .dataSetLabelMapping("label")
            .build());
    ImageBatchIterator it =
        ImageBatchIterator.of(
            data,
            TransformConfig.plain(8, 1).withNormalization(ChannelStats.compute(data, 0)),
            LoaderConfig.of(16));
    MultiDataSet probe = it.next();
    it.reset();
    double before = lossOf(sd, probe);
    sd.fit(it, 10);
    double after = lossOf(sd, probe);
    assertTrue(it.epoch() >= 9, "epochs seen " + it.epoch());
    assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
    assertEquals(16, probe.getFeatures(0).size(0));
  }

  private static double lossOf(SameDiff sd, MultiDataSet batch) {
    Map<String, INDArray> out =
        sd.output(Map.of("image", batch.getFeatures(0), "label", batch.getLabels(0)), "loss");
    return out.get("loss").getDouble(0);
  }
}
