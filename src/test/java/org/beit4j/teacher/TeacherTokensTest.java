package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The plain-array pieces shared by the teachers, on hand-computed values. */
class TeacherTokensTest {

  @Test
  void bilinearUpsamplingUsesHalfPixelCentres() {
    // torch: F.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False)
    INDArray x = Nd4j.createFromArray(new float[] {0, 1, 2, 3}).reshape(1, 1, 2, 2);
    INDArray y = BilinearResize.resize(x, 4, 4);
    float[] expected = {
      0.0f, 0.25f, 0.75f, 1.0f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2.0f, 2.25f,
      2.75f, 3.0f
    };
    assertArrayEquals(expected, y.data().asFloat(), 1e-6f);
  }

  @Test
  void bilinearHalvingAveragesPixelPairs() {
    INDArray x = Nd4j.createFromArray(new float[] {1, 3, 5, 7, 9, 11, 13, 15}).reshape(1, 1, 1, 8);
    INDArray y = BilinearResize.resize(x, 1, 4);
    assertArrayEquals(new float[] {2, 6, 10, 14}, y.data().asFloat(), 1e-6f);
  }

  @Test
  void poolsRowMajorBlocks() {
    // 1 image, [CLS] + 4x4 patches of width 1 holding their index 0..15
    float[] v = new float[17];
    v[0] = -100;
    for (int p = 0; p < 16; p++) {
      v[1 + p] = p;
    }
    INDArray tokens = Nd4j.createFromArray(v).reshape(1, 17, 1);
    TeacherTokens.Layout layout = TeacherTokens.layout(tokens.shape(), true, 2, "test");
    assertEquals(4, layout.teacherGrid());
    assertEquals(2, layout.factor());
    INDArray pooled = TeacherTokens.toGrid(tokens, layout); // [1, 4, 1]
    // block (0,0) = patches 0,1,4,5 -> 2.5; (0,1) = 2,3,6,7 -> 4.5; (1,0) -> 10.5; (1,1) -> 12.5
    assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, pooled.data().asFloat(), 1e-6f);
  }

  @Test
  void layoutRefusesWhatCannotBePooled() {
    IllegalArgumentException rank =
        assertThrows(
            IllegalArgumentException.class,
            () -> TeacherTokens.layout(new long[] {2, 768}, true, 7, "clip"));
    assertTrue(rank.getMessage().contains("[2, 768]"), rank.getMessage());
    IllegalArgumentException grid =
        assertThrows(
            IllegalArgumentException.class,
            () -> TeacherTokens.layout(new long[] {2, 197, 768}, true, 5, "clip"));
    assertTrue(grid.getMessage().contains("14x14 patch grid"), grid.getMessage());
    IllegalArgumentException cls =
        assertThrows(
            IllegalArgumentException.class,
            () -> TeacherTokens.layout(new long[] {2, 196, 768}, true, 7, "clip"));
    assertTrue(cls.getMessage().contains("unset dropCls"), cls.getMessage());
    TeacherTokens.Layout ok = TeacherTokens.layout(new long[] {2, 196, 512}, false, 7, "clip");
    assertEquals(14, ok.teacherGrid());
    assertEquals(196, ok.tokens());
  }

  @Test
  void projectionMultipliesEveryPatch() {
    INDArray f = Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(1, 2, 2); // [1, 2, 2]
    INDArray p = Nd4j.createFromArray(new float[][] {{1, 0, 1}, {0, 1, 1}}).castTo(DataType.FLOAT);
    INDArray out = TeacherTokens.project(f, p); // [1, 2, 3]
    assertArrayEquals(new long[] {1, 2, 3}, out.shape());
    assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, out.data().asFloat(), 1e-6f);
  }
}
