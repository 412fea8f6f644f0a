package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class RelativePositionBiasTest {

  /** 6 x 6 image, patch 2: a 3 x 3 grid, T = 10, 2 heads. */
  static final VitConfig GRID3 = new VitConfig(6, 2, 1, 4, 1, 2, 2.0, true, 0.1, false, true, 0);

  @Test
  void indexMatchesCoordinateLoopsAndHandValues() {
    int g = 3;
    int[][] index = RelativePositionBias.index(g);
    assertEquals(10, index.length);
    // Independent: loop over 2-D coordinates of both patches.
    for (int r1 = 0; r1 < g; r1++) {
      for (int c1 = 0; c1 < g; c1++) {
        for (int r2 = 0; r2 < g; r2++) {
          for (int c2 = 0; c2 < g; c2++) {
            int expected = (r1 - r2 + 2) * 5 + (c1 - c2 + 2);
            assertEquals(expected, index[1 + r1 * g + c1][1 + r2 * g + c2]);
          }
        }
      }
    }
    assertEquals(27, index[0][0]); // cls to cls
    assertEquals(25, index[0][5]); // cls to patch
    assertEquals(26, index[5][0]); // patch to cls
    assertEquals(0, index[1][9]); // (0,0) -> (2,2): offset (-2,-2)
    assertEquals(24, index[9][1]); // (2,2) -> (0,0): offset (2,2)
    assertEquals(12, index[5][5]); // same patch
    Set<Integer> used = new HashSet<>();
    for (int[] row : index) {
      for (int v : row) {
        used.add(v);
      }
    }
    assertEquals(28, used.size(), "every table row is used once the grid is 3 x 3");
  }

  @Test
  void graphBiasEqualsTableLookup() {
    SameDiff sd = SameDiff.create();
    Init init = new Init(5, DataType.DOUBLE);
    SDVariable bias = RelativePositionBias.bias(sd, "rp", init, GRID3);
    INDArray b = bias.eval();
    INDArray table = sd.getVariable("rp/table").getArr();
    assertArrayEquals(new long[] {28, 2}, table.shape());
    assertArrayEquals(new long[] {2, 10, 10}, b.shape());
    int[][] index = RelativePositionBias.index(3);
    for (int h = 0; h < 2; h++) {
      for (int p = 0; p < 10; p++) {
        for (int q = 0; q < 10; q++) {
          assertEquals(table.getDouble(index[p][q], h), b.getDouble(h, p, q), 1e-12);
        }
      }
    }
  }
}
