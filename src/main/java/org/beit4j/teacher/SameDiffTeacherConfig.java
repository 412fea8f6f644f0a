package org.beit4j.teacher;

import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How to run a saved SameDiff graph as a VQ-KD {@link Teacher}.
 *
 * @param graph the file written by {@code SameDiff.save}
 * @param inputName the image placeholder, {@code [B, C, S, S]}
 * @param outputName the patch-token variable, {@code [B, 1+n, D]} or {@code [B, n, D]}
 * @param preprocessing resize to {@code S}, grey to RGB, per-channel mean/std
 * @param dropCls whether token 0 of the output is a [CLS] token to drop
 * @param projection optional {@code [D, Dt]} applied to every patch feature, null for none
 * @param gridSize the tokenizer's grid side {@code G}; the graph's grid side {@code g = sqrt(n)}
 *     must be {@code k G}, and {@code k x k} patches are averaged
 */
public record SameDiffTeacherConfig(
    Path graph,
    String inputName,
    String outputName,
    TeacherPreprocessing preprocessing,
    boolean dropCls,
    INDArray projection,
    int gridSize) {

  /** Validates every field (the file itself is checked when the teacher loads it). */
  public SameDiffTeacherConfig {
    if (graph == null) {
      throw new IllegalArgumentException(
          "graph must be a path to a saved SameDiff graph, got null");
    }
    if (inputName == null || inputName.isBlank()) {
      throw new IllegalArgumentException(
          "inputName must name the image placeholder, got '" + inputName + "'");
    }
    if (outputName == null || outputName.isBlank()) {
      throw new IllegalArgumentException(
          "outputName must name the patch-token variable, got '" + outputName + "'");
    }
    if (preprocessing == null) {
      throw new IllegalArgumentException("preprocessing must not be null");
    }
    if (projection != null && projection.rank() != 2) {
      throw new IllegalArgumentException(
          "projection must be a [D, Dt] matrix, got shape " + Arrays.toString(projection.shape()));
    }
    if (gridSize <= 0) {
      throw new IllegalArgumentException("gridSize must be > 0, got " + gridSize);
    }
  }

  /**
   * A 3-channel graph fed raw pixels resized to {@code inputSize}, [CLS] dropped, no projection.
   */
  public static SameDiffTeacherConfig of(
      Path graph, String inputName, String outputName, int inputSize, int gridSize) {
    return new SameDiffTeacherConfig(
        graph,
        inputName,
        outputName,
        TeacherPreprocessing.identity(inputSize, 3),
        true,
        null,
        gridSize);
  }

  /** A copy with other preprocessing. */
  public SameDiffTeacherConfig withPreprocessing(TeacherPreprocessing p) {
    return new SameDiffTeacherConfig(
        graph, inputName, outputName, p, dropCls, projection, gridSize);
  }

  /** A copy that does or does not drop a leading [CLS] token. */
  public SameDiffTeacherConfig withDropCls(boolean drop) {
    return new SameDiffTeacherConfig(
        graph, inputName, outputName, preprocessing, drop, projection, gridSize);
  }

  /** A copy projecting features by {@code [D, Dt]} (null for none). */
  public SameDiffTeacherConfig withProjection(INDArray p) {
    return new SameDiffTeacherConfig(
        graph, inputName, outputName, preprocessing, dropCls, p, gridSize);
  }

  /** A copy for another tokenizer grid. */
  public SameDiffTeacherConfig withGridSize(int g) {
    return new SameDiffTeacherConfig(
        graph, inputName, outputName, preprocessing, dropCls, projection, g);
  }
}
