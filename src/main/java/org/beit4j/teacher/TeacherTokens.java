package org.beit4j.teacher;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Turns a teacher network's token output into {@link Teacher} patch features: drop the [CLS] token,
 * average-pool the teacher's patch grid onto the tokenizer's grid, apply an optional projection.
 * Plain INDArray code shared by {@link OnnxTeacher} and {@link SameDiffTeacher}.
 */
final class TeacherTokens {

  private TeacherTokens() {}

  /**
   * The pooling plan for a teacher output of {@code tokens} tokens, checked once.
   *
   * @param teacherGrid patches per side of the teacher's grid ({@code g}, {@code g^2} patch tokens)
   * @param tokenizerGrid patches per side of the tokenizer's grid ({@code G}, {@code g = k G})
   * @param dropCls whether token 0 is a [CLS] token to drop
   * @param width {@code D}, the width of one token
   */
  record Layout(int teacherGrid, int tokenizerGrid, boolean dropCls, int width) {

    /** Pool factor {@code k = g / G}. */
    int factor() {
      return teacherGrid / tokenizerGrid;
    }

    /** Tokens per image in the raw output, {@code (dropCls ? 1 : 0) + g^2}. */
    int tokens() {
      return (dropCls ? 1 : 0) + teacherGrid * teacherGrid;
    }
  }

  /**
   * Checks a teacher output shape and works out its grid.
   *
   * @param shape the raw output shape, expected {@code [B, T, D]}
   * @param dropCls whether token 0 is [CLS]
   * @param tokenizerGrid the tokenizer's {@code G}
   * @param source names the model file and output for error messages
   * @throws IllegalArgumentException if the shape is not rank 3, {@code T - cls} is not a square or
   *     its side is not a multiple of {@code G}
   */
  static Layout layout(long[] shape, boolean dropCls, int tokenizerGrid, String source) {
    String layoutName = dropCls ? "[B, 1+N, D]" : "[B, N, D]";
    if (shape.length != 3) {
      throw new IllegalArgumentException(
          source
              + " gives shape "
              + Arrays.toString(shape)
              + "; expected patch tokens "
              + layoutName
              + " (rank 3)");
    }
    long patches = shape[1] - (dropCls ? 1 : 0);
    int g = (int) Math.round(Math.sqrt(Math.max(patches, 0)));
    if (patches <= 0 || (long) g * g != patches) {
      throw new IllegalArgumentException(
          source
              + " gives shape "
              + Arrays.toString(shape)
              + " = "
              + layoutName
              + " with "
              + patches
              + " patch tokens, which is not a square grid"
              + (dropCls ? "" : " (does the output have a [CLS] token? set dropCls)")
              + (dropCls && isSquare(shape[1]) ? " (no [CLS] token? unset dropCls)" : ""));
    }
    if (g < tokenizerGrid || g % tokenizerGrid != 0) {
      throw new IllegalArgumentException(
          source
              + " has a "
              + g
              + "x"
              + g
              + " patch grid (shape "
              + Arrays.toString(shape)
              + "), which cannot be average-pooled to the tokenizer's "
              + tokenizerGrid
              + "x"
              + tokenizerGrid
              + " grid: the teacher grid must be an integer multiple of the tokenizer grid"
              + " (change the teacher's input size or the tokenizer's grid)");
    }
    return new Layout(g, tokenizerGrid, dropCls, (int) shape[2]);
  }

  /**
   * The last step of every teacher: checks the network's tokens still have the layout seen when the
   * teacher was opened, then drops [CLS], pools to the tokenizer grid and projects.
   *
   * @param tokens {@code [B, T, D]} as the network returned them
   * @return {@code [B, N, Dt]}
   * @throws IllegalStateException naming {@code source} and both shapes when the layout changed
   */
  static INDArray patchFeatures(
      INDArray tokens, long batch, Layout layout, INDArray projection, String source) {
    long[] expected = {batch, layout.tokens(), layout.width()};
    if (!Arrays.equals(tokens.shape(), expected)) {
      throw new IllegalStateException(
          source
              + " gave shape "
              + Arrays.toString(tokens.shape())
              + " for a batch of "
              + batch
              + "; expected "
              + Arrays.toString(expected)
              + " as when the teacher was opened");
    }
    return project(toGrid(tokens, layout), projection); // [B, N, Dt]
  }

  /**
   * Drops [CLS] and pools.
   *
   * @param tokens {@code [B, T, D]} raw teacher output, {@code T = layout.tokens()}
   * @return {@code [B, G*G, D]} float; patch {@code (r, c)} of the result is the mean of the
   *     teacher's {@code k x k} patches {@code (kr + i, kc + j)}
   */
  static INDArray toGrid(INDArray tokens, Layout layout) {
    long b = tokens.size(0);
    int g = layout.teacherGrid();
    int big = layout.tokenizerGrid();
    int k = layout.factor();
    int d = layout.width();
    INDArray x = tokens.castTo(DataType.FLOAT);
    if (layout.dropCls()) {
      x = x.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 1 + g * g), NDArrayIndex.all());
    }
    x = x.dup('c'); // [B, g*g, D]
    if (k == 1) {
      return x;
    }
    // row-major patch (kR + i, kC + j) sits at [B, R, i, C, j, D]
    INDArray pooled = x.reshape('c', b, big, k, big, k, d).mean(2, 4); // [B, G, G, D]
    return pooled.reshape('c', b, (long) big * big, d); // [B, N, D]
  }

  /**
   * Applies a linear projection to every patch feature.
   *
   * @param features {@code [B, N, D]}
   * @param projection {@code [D, Dt]}, or null for none
   * @return {@code [B, N, Dt]}
   */
  static INDArray project(INDArray features, INDArray projection) {
    if (projection == null) {
      return features;
    }
    long b = features.size(0);
    long n = features.size(1);
    INDArray flat = features.reshape('c', b * n, features.size(2)); // [B*N, D]
    INDArray out = flat.mmul(projection.castTo(DataType.FLOAT)); // [B*N, Dt]
    return out.reshape('c', b, n, projection.size(1)); // [B, N, Dt]
  }

  /**
   * Checks an optional projection against the token width.
   *
   * @throws IllegalArgumentException if it is not {@code [width, Dt]}
   */
  static void checkProjection(INDArray projection, int width, String source) {
    if (projection != null && projection.size(0) != width) {
      throw new IllegalArgumentException(
          "projection has shape "
              + Arrays.toString(projection.shape())
              + " but "
              + source
              + " gives "
              + width
              + "-wide tokens; expected ["
              + width
              + ", Dt]");
    }
  }

  private static boolean isSquare(long n) {
    long r = Math.round(Math.sqrt(n));
    return r * r == n;
  }
}
