package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The metrics a step reports come out of the same {@code fit} pass as the gradients; this checks
 * them against the separate forward pass ({@link PretrainModel#evaluate}) that {@code
 * Pretrainer.step} used before, and that the parameters follow the old path exactly.
 */
class FitMetricsTest {

  @Test
  void fitPassMetricsEqualEvaluateOnTheSameBatch() {
    PretrainConfig cfg = PretrainModelTest.config();
    PretrainModel model = PretrainModel.build(cfg, DataType.FLOAT);
    PretrainModel.Batch b = PretrainModelTest.batch(cfg, 4, 3);
    for (int rep = 0; rep < 2; rep++) { // the second call reuses the cached training session
      Map<String, Double> expected = model.evaluate(b);
      PretrainModel.Pass pass = model.fitPass(b);
      assertEquals(model.metricNames(), List.copyOf(pass.metrics().keySet()));
      for (String name : model.metricNames()) {
        assertEquals(expected.get(name), pass.metrics().get(name), 1e-6, name);
      }
      assertEquals(model.parameterNames().size(), pass.gradients().size());
    }
    assertEquals(Math.log(PretrainModelTest.K), model.evaluate(b).get(PretrainModel.MIM_LOSS), 0.5);
  }

  @Test
  void stepsFollowTheEvaluateThenFitPathExactly() {
    int steps = 3;
    List<MultiDataSet> data = Synthetic.batches(steps, 8, 28, 21);
    // one graph, as the old path had (PretrainReplicasTest compares K = 2 with K = 1)
    PretrainConfig cfg = PretrainerTest.config(steps, 0).withRun(r -> r.withReplicas(1));
    Pretrainer fast = Pretrainer.create(cfg, PretrainerTest.tokenizer(), null);
    Pretrainer old = Pretrainer.create(cfg, PretrainerTest.tokenizer(), null);
    for (int s = 0; s < steps; s++) {
      StepMetrics m = fast.step(data.get(s));
      // the pre-refactor step: forward by output(), then gradients by fit, then AdamW
      PretrainModel.Batch b = old.prepare(data.get(s), s);
      Map<String, Double> out = old.model().evaluate(b);
      Map<String, INDArray> grads = old.model().fitGradients(b);
      Map<String, INDArray> params = new LinkedHashMap<>();
      for (String name : old.model().parameterNames()) {
        params.put(name, old.model().parameter(name));
      }
      double norm = old.optimizer().step(params, grads);
      assertEquals(out.get(PretrainModel.LOSS), m.loss(), 1e-6, "loss at step " + s);
      assertEquals(out.get(PretrainModel.MIM_LOSS), m.mimLoss(), 1e-6);
      assertEquals(out.get(PretrainModel.CLS_LOSS), m.clsLoss(), 1e-6);
      assertEquals(out.get(PretrainModel.MIM_ACC), m.mimAcc(), 1e-6);
      assertEquals(out.get(PretrainModel.CLS_ACC), m.clsAcc(), 1e-6);
      assertEquals(norm, m.gradNorm(), 0);
    }
    for (String name : old.model().parameterNames()) {
      INDArray diff = old.model().parameter(name).sub(fast.model().parameter(name));
      assertEquals(0.0, diff.amaxNumber().doubleValue(), 0.0, name); // bit for bit
    }
  }
}
