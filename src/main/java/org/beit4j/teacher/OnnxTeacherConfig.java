package org.beit4j.teacher;

import java.nio.file.Path;
import java.util.Arrays;
import org.beit4j.config.Presets;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How to run a user-exported ONNX network as a VQ-KD {@link Teacher}; see docs/teachers.md for
 * exporting CLIP and DINO ViT-B/16.
 *
 * @param model the .onnx file
 * @param inputName the image input, {@code [B, C, S, S]} float; null = the model's only input
 * @param preprocessing resize to {@code S}, grey to RGB, per-channel mean/std
 * @param outputName the patch-token output, {@code [B, 1+n, D]} or {@code [B, n, D]}; null = the
 *     output at {@code outputIndex}
 * @param outputIndex which output (in model order) holds the tokens when {@code outputName} is null
 * @param dropCls whether token 0 of the output is a [CLS] token to drop ({@code [B, 1+n, D] -> [B,
 *     n, D]})
 * @param projection optional {@code [D, Dt]} applied to every patch feature, null for none
 * @param gridSize the tokenizer's grid side {@code G}; the teacher's grid side {@code g = sqrt(n)}
 *     must be {@code k G}, and {@code k x k} patches are averaged
 * @param threads ONNX Runtime intra-op threads, 0 = its default
 */
public record OnnxTeacherConfig(
    Path model,
    String inputName,
    TeacherPreprocessing preprocessing,
    String outputName,
    int outputIndex,
    boolean dropCls,
    INDArray projection,
    int gridSize,
    int threads) {

  /** Validates every field (the file itself is checked when the teacher opens it). */
  public OnnxTeacherConfig {
    if (model == null) {
      throw new IllegalArgumentException("model must be a path to an .onnx file, got null");
    }
    if (inputName != null && inputName.isBlank()) {
      throw new IllegalArgumentException(
          "inputName must be null or a name, got '" + inputName + "'");
    }
    if (preprocessing == null) {
      throw new IllegalArgumentException("preprocessing must not be null");
    }
    if (outputName != null && outputName.isBlank()) {
      throw new IllegalArgumentException(
          "outputName must be null or a name, got '" + outputName + "'");
    }
    if (outputIndex < 0) {
      throw new IllegalArgumentException("outputIndex must be >= 0, got " + outputIndex);
    }
    if (projection != null && projection.rank() != 2) {
      throw new IllegalArgumentException(
          "projection must be a [D, Dt] matrix, got shape " + Arrays.toString(projection.shape()));
    }
    if (gridSize <= 0) {
      throw new IllegalArgumentException("gridSize must be > 0, got " + gridSize);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = default), got " + threads);
    }
  }

  /** Makes a config for a model file, from the input size and channels of a plain model. */
  @FunctionalInterface
  public interface Preset {
    OnnxTeacherConfig make(Path model, int inputSize, int channels, int gridSize);
  }

  /**
   * The preprocessing presets: {@code clip}, {@code dino} and {@code plain} (resize to the input
   * size, no normalisation).
   */
  public static final Presets<Preset> PRESETS =
      Presets.<Preset>of("ONNX teacher preset")
          .add("clip", () -> (m, size, c, g) -> clip(m, g))
          .add("dino", () -> (m, size, c, g) -> dino(m, g))
          .add(
              "plain",
              () ->
                  (m, size, c, g) ->
                      of(m, size, g).withPreprocessing(TeacherPreprocessing.identity(size, c)))
          .build();

  /**
   * CLIP ViT-B/16 visual encoder exported with its patch tokens {@code [B, 197, 768]} as output 0:
   * 224 input, CLIP mean/std, [CLS] dropped, 14x14 grid pooled to {@code gridSize}.
   */
  public static OnnxTeacherConfig clip(Path model, int gridSize) {
    return new OnnxTeacherConfig(
        model, null, TeacherPreprocessing.clip(), null, 0, true, null, gridSize, 0);
  }

  /** DINO ViT-B/16 like {@link #clip} but with ImageNet mean/std. */
  public static OnnxTeacherConfig dino(Path model, int gridSize) {
    return new OnnxTeacherConfig(
        model, null, TeacherPreprocessing.dino(), null, 0, true, null, gridSize, 0);
  }

  /**
   * Any 3-channel model: resize to {@code inputSize}, no normalisation, [CLS] dropped, output 0.
   */
  public static OnnxTeacherConfig of(Path model, int inputSize, int gridSize) {
    return new OnnxTeacherConfig(
        model, null, TeacherPreprocessing.identity(inputSize, 3), null, 0, true, null, gridSize, 0);
  }

  /** A copy reading another input. */
  public OnnxTeacherConfig withInputName(String name) {
    return new OnnxTeacherConfig(
        model,
        name,
        preprocessing,
        outputName,
        outputIndex,
        dropCls,
        projection,
        gridSize,
        threads);
  }

  /** A copy with other preprocessing. */
  public OnnxTeacherConfig withPreprocessing(TeacherPreprocessing p) {
    return new OnnxTeacherConfig(
        model, inputName, p, outputName, outputIndex, dropCls, projection, gridSize, threads);
  }

  /** A copy taking the output of that name. */
  public OnnxTeacherConfig withOutput(String name) {
    return new OnnxTeacherConfig(
        model, inputName, preprocessing, name, 0, dropCls, projection, gridSize, threads);
  }

  /** A copy taking the output at that index (in model order). */
  public OnnxTeacherConfig withOutput(int index) {
    return new OnnxTeacherConfig(
        model, inputName, preprocessing, null, index, dropCls, projection, gridSize, threads);
  }

  /** A copy that does or does not drop a leading [CLS] token. */
  public OnnxTeacherConfig withDropCls(boolean drop) {
    return new OnnxTeacherConfig(
        model,
        inputName,
        preprocessing,
        outputName,
        outputIndex,
        drop,
        projection,
        gridSize,
        threads);
  }

  /** A copy projecting features by {@code [D, Dt]} (null for none). */
  public OnnxTeacherConfig withProjection(INDArray p) {
    return new OnnxTeacherConfig(
        model, inputName, preprocessing, outputName, outputIndex, dropCls, p, gridSize, threads);
  }

  /** A copy for another tokenizer grid. */
  public OnnxTeacherConfig withGridSize(int g) {
    return new OnnxTeacherConfig(
        model, inputName, preprocessing, outputName, outputIndex, dropCls, projection, g, threads);
  }

  /** A copy with another ONNX Runtime thread count (0 = default). */
  public OnnxTeacherConfig withThreads(int n) {
    return new OnnxTeacherConfig(
        model, inputName, preprocessing, outputName, outputIndex, dropCls, projection, gridSize, n);
  }
}
