package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class LayerNormTeacherTest {

  /** Features {@code [2, 4, 5]} with per-token offsets and scales far from 0 and 1. */
  private static INDArray features() {
    INDArray t = Nd4j.rand(DataType.FLOAT, 2, 4, 5);
    for (int b = 0; b < 2; b++) {
      for (int n = 0; n < 4; n++) {
        t.get(NDArrayIndex.point(b), NDArrayIndex.point(n), NDArrayIndex.all())
            .muli(1 + 3 * n)
            .addi(10 * b - n);
      }
    }
    return t;
  }

  private static Teacher fixed(INDArray t, AtomicBoolean closed) {
    return new Teacher() {
      @Override
      public INDArray patchFeatures(INDArray images) {
        return t;
      }

      @Override
      public int gridSize() {
        return 2;
      }

      @Override
      public int featureDim() {
        return 5;
      }

      @Override
      public String id() {
        return "fixed";
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
  }

  @Test
  void everyTokenHasMeanZeroAndUnitVariance() {
    INDArray t = features();
    INDArray before = t.dup();
    INDArray s = LayerNormTeacher.standardise(t);
    assertEquals(before, t, "the input is not changed");
    for (int b = 0; b < 2; b++) {
      for (int n = 0; n < 4; n++) {
        double[] v =
            s.get(NDArrayIndex.point(b), NDArrayIndex.point(n), NDArrayIndex.all())
                .toDoubleVector();
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
        assertEquals(0, mean, 1e-5, "mean of token " + b + "," + n);
        assertEquals(1, var, 1e-3, "variance of token " + b + "," + n);
        // direction within the token kept up to the shift: centred input is a positive multiple
        double[] raw =
            t.get(NDArrayIndex.point(b), NDArrayIndex.point(n), NDArrayIndex.all())
                .toDoubleVector();
        double rawMean = Arrays.stream(raw).average().orElseThrow();
        double ratio = v[0] / (raw[0] - rawMean);
        for (int d = 1; d < 5; d++) {
          assertEquals(ratio, v[d] / (raw[d] - rawMean), 1e-3 * Math.abs(ratio));
        }
        assertTrue(ratio > 0);
      }
    }
  }

  @Test
  void wrapsTheTeacherAndClosesIt() {
    AtomicBoolean closed = new AtomicBoolean();
    INDArray t = features();
    try (LayerNormTeacher n = new LayerNormTeacher(fixed(t, closed))) {
      assertEquals("layernorm:fixed", n.id());
      assertEquals(2, n.gridSize());
      assertEquals(5, n.featureDim());
      assertEquals(
          LayerNormTeacher.standardise(t), n.patchFeatures(Nd4j.zeros(DataType.FLOAT, 2, 1, 4, 4)));
    }
    assertTrue(closed.get());
  }

  @Test
  void refusesFeaturesThatAreNotTokens() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LayerNormTeacher.standardise(Nd4j.zeros(DataType.FLOAT, 4, 5)));
    assertTrue(e.getMessage().contains("[4, 5]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LayerNormTeacher(null));
  }
}
