package org.beit4j.eval.probe;

import org.beit4j.teacher.Teacher;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A test teacher whose feature of a patch is its own pixels: 28x28 grey images, 4x4 patches on the
 * 7x7 grid, {@code Dt = 16} (the width {@code VqKdConfig.test()} expects).
 */
final class PatchPixelTeacher implements Teacher {

  @Override
  public INDArray patchFeatures(INDArray images) {
    long b = images.size(0);
    return images
        .castTo(DataType.FLOAT)
        .reshape('c', b, 7, 4, 7, 4)
        .permute(0, 1, 3, 2, 4)
        .dup('c')
        .reshape('c', b, 49, 16); // [B, N, Dt]
  }

  @Override
  public int gridSize() {
    return 7;
  }

  @Override
  public int featureDim() {
    return 16;
  }

  @Override
  public String id() {
    return "patch-pixels";
  }
}
