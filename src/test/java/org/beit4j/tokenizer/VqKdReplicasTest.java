package org.beit4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.beit4j.Beit4j;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** VQ-KD training on two graph replicas computes what one graph computes. */
class VqKdReplicasTest {

  @Test
  void twoReplicasTrainTheSameTokenizerAsOne() {
    Beit4j.init();
    // batches of 13 images split 7 + 6; the EMA codebook step sees all 13 images' codes once
    VqKdConfig cfg = VqKdConfig.test().withRun(r -> r.withSteps(8).withLogEvery(2));
    PixelTeacher teacher = new PixelTeacher(28, 7, 1, cfg.teacherDim(), 11);
    VqKdTokenizer one = train(cfg, teacher, 1);
    VqKdTokenizer two = train(cfg, teacher, 2);
    List<VqKdTokenizer.StepLog> a = one.history();
    List<VqKdTokenizer.StepLog> b = two.history();
    assertEquals(4, b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).distill(), b.get(i).distill(), 1e-4, "distill at " + a.get(i).step());
      assertEquals(a.get(i).commitment(), b.get(i).commitment(), 1e-4);
      assertEquals(a.get(i).usedFraction(), b.get(i).usedFraction(), 0);
      assertEquals(a.get(i).perplexity(), b.get(i).perplexity(), 1e-3);
    }
    assertTrue(a.get(3).distill() < a.get(0).distill(), "it trained: " + a);
    INDArray ca = one.codebook();
    double diff = ca.sub(two.codebook()).amaxNumber().doubleValue();
    assertTrue(diff < 1e-4, "codebooks differ by " + diff);
    INDArray images = VqKdTokenizerTest.synthetic(8, 8).next().getFeatures(0);
    double enc = one.encode(images).sub(two.encode(images)).amaxNumber().doubleValue();
    assertTrue(enc < 1e-3, "encoders differ by " + enc);
  }

  private static VqKdTokenizer train(VqKdConfig cfg, PixelTeacher teacher, int replicas) {
    return VqKdTokenizer.train(
        cfg.withRun(r -> r.withReplicas(replicas)),
        teacher,
        VqKdTokenizerTest.synthetic(52, 13),
        "synthetic 52",
        null,
        null);
  }
}
