package org.beit4j.quantizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuantizerConfigTest {

  @Test
  void presetsHaveThePaperAndSmallSizes() {
    QuantizerConfig p = QuantizerConfig.paper();
    assertEquals(8192, p.codebookSize());
    assertEquals(32, p.codeDim());
    assertEquals(1.0, p.beta());
    assertEquals(0.99, p.emaDecay());
    assertTrue(p.kmeansInit());
    assertEquals(0, p.deadCodeWindow());
    QuantizerConfig s = QuantizerConfig.small();
    assertEquals(512, s.codebookSize());
    assertEquals(32, s.codeDim());
  }

  private static void assertRejected(Runnable r, String field, String value) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(ex.getMessage().contains(field), ex.getMessage());
    assertTrue(ex.getMessage().contains(value), ex.getMessage());
  }

  @Test
  void badValuesAreRejectedWithFieldAndValue() {
    QuantizerConfig s = QuantizerConfig.small();
    assertRejected(() -> s.withCodebookSize(0), "codebookSize", "0");
    assertRejected(() -> s.withCodeDim(-3), "codeDim", "-3");
    assertRejected(() -> s.withBeta(-0.5), "beta", "-0.5");
    assertRejected(() -> s.withEmaDecay(1.0), "emaDecay", "1.0");
    assertRejected(() -> s.withDeadCodeWindow(-1), "deadCodeWindow", "-1");
    assertRejected(() -> new QuantizerConfig(8, 4, 1, 0.9, 0, true, 0), "epsilon", "0.0");
  }
}
