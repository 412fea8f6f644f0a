package org.beit4j.pipeline;

import java.nio.file.Path;
import org.beit4j.teacher.LayerNormTeacher;
import org.beit4j.teacher.OnnxTeacher;
import org.beit4j.teacher.OnnxTeacherConfig;
import org.beit4j.teacher.SameDiffTeacher;
import org.beit4j.teacher.SameDiffTeacherConfig;
import org.beit4j.teacher.Teacher;
import org.beit4j.teacher.TeacherPreprocessing;

/**
 * Which frozen teacher a VQ-KD tokenizer distils: a CNN teacher directory ({@code --teacher}), an
 * ONNX model ({@code --onnx-teacher}) or a saved SameDiff graph ({@code --samediff-teacher}).
 *
 * @param kind which of the three
 * @param path the directory or file
 * @param onnxPreset for ONNX: a name in {@link OnnxTeacherConfig#PRESETS}
 * @param inputSize for {@code plain} ONNX and SameDiff: the side images are resized to
 * @param channels for {@code plain} ONNX and SameDiff: the network's input channels
 * @param inputName for SameDiff: the image placeholder
 * @param outputName for SameDiff: the patch-token variable {@code [B, 1+n, D]}
 * @param layerNorm whether the features are standardised per token ({@link LayerNormTeacher}), like
 *     CLIP's LayerNorm'd targets
 */
public record TeacherSource(
    Kind kind,
    Path path,
    String onnxPreset,
    int inputSize,
    int channels,
    String inputName,
    String outputName,
    boolean layerNorm) {

  /** The three teacher kinds. */
  public enum Kind {
    CNN,
    ONNX,
    SAMEDIFF
  }

  /** Validates every field. */
  public TeacherSource {
    Checks.notNull("kind", kind);
    Checks.notNull("path", path);
    if (kind == Kind.ONNX) {
      OnnxTeacherConfig.PRESETS.get(onnxPreset); // fails listing the valid names
    }
    if (kind == Kind.SAMEDIFF) {
      Checks.notBlank("inputName", inputName);
      Checks.notBlank("outputName (--output)", outputName);
    }
    if (kind != Kind.CNN && (inputSize < 1 || (channels != 1 && channels != 3))) {
      throw new IllegalArgumentException(
          "inputSize must be >= 1 and channels 1 or 3, got " + inputSize + ", " + channels);
    }
  }

  /** A CNN teacher saved by {@code bin/beit4j teacher}. */
  public static TeacherSource cnn(Path dir) {
    return new TeacherSource(Kind.CNN, dir, null, 0, 0, null, null, false);
  }

  /** An ONNX model with a preprocessing preset ({@code clip}, {@code dino}, {@code plain}). */
  public static TeacherSource onnx(Path file, String preset, int inputSize, int channels) {
    return new TeacherSource(Kind.ONNX, file, preset, inputSize, channels, null, null, false);
  }

  /** A SameDiff graph: image placeholder {@code input}, patch tokens {@code output}. */
  public static TeacherSource sameDiff(
      Path file, String input, String output, int inputSize, int channels) {
    return new TeacherSource(Kind.SAMEDIFF, file, null, inputSize, channels, input, output, false);
  }

  /** This teacher with its features standardised per token, or not. */
  public TeacherSource withLayerNorm(boolean on) {
    return new TeacherSource(
        kind, path, onnxPreset, inputSize, channels, inputName, outputName, on);
  }

  /**
   * Opens the teacher, its features pooled to the tokenizer's grid (and standardised per token if
   * {@link #layerNorm}).
   *
   * @throws PipelineException if the directory or file is missing
   */
  public Teacher open(int gridSize) {
    Teacher t = openRaw(gridSize);
    return layerNorm ? new LayerNormTeacher(t) : t;
  }

  private Teacher openRaw(int gridSize) {
    switch (kind) {
      case CNN:
        return Artefacts.cnnTeacher(path);
      case ONNX:
        Artefacts.requireFile(path, "ONNX model", "--onnx-teacher");
        return new OnnxTeacher(
            OnnxTeacherConfig.PRESETS.get(onnxPreset).make(path, inputSize, channels, gridSize));
      default:
        Artefacts.requireFile(path, "SameDiff graph", "--samediff-teacher");
        return new SameDiffTeacher(
            SameDiffTeacherConfig.of(path, inputName, outputName, inputSize, gridSize)
                .withPreprocessing(TeacherPreprocessing.identity(inputSize, channels)));
    }
  }
}
