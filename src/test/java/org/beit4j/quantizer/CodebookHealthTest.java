package org.beit4j.quantizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CodebookHealthTest {

  @Test
  void uniformUsageOfKCodesHasPerplexityK() {
    CodebookHealth h = CodebookHealth.of(new long[] {5, 5, 5, 5, 0, 0, 0, 0});
    assertEquals(4.0, h.perplexity(), 1e-12);
    assertEquals(0.5, h.usedFraction(), 0.0);
    assertEquals(4, h.deadCodes());
    assertEquals(8, h.codebookSize());
  }

  @Test
  void singleCodeHasPerplexityOneAndSkewedUsageIsHandComputed() {
    assertEquals(1.0, CodebookHealth.of(new long[] {0, 9, 0}).perplexity(), 1e-12);
    double entropy = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    assertEquals(Math.exp(entropy), CodebookHealth.of(new long[] {1, 3}).perplexity(), 1e-12);
    assertEquals(0.0, CodebookHealth.of(new long[] {0, 0}).perplexity(), 0.0);
  }

  @Test
  void accumulatorCountsOverBatches() {
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(4);
    acc.add(new int[] {0, 1, 1}).add(new int[] {1, 3});
    CodebookHealth h = acc.health();
    assertArrayEquals(new long[] {1, 3, 0, 1}, h.counts());
    assertEquals(0.75, h.usedFraction(), 0.0);
    assertEquals(1, h.deadCodes());
    assertEquals(CodebookHealth.of(new int[] {0, 1, 1, 1, 3}, 4).perplexity(), h.perplexity(), 0.0);
    acc.reset();
    assertEquals(4, acc.health().deadCodes());
    assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {4}));
  }
}
