package org.beit4j.teacher;

import java.util.Arrays;
import java.util.Map;
import org.beit4j.Beit4j;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frozen teacher that is a saved SameDiff graph (e.g. a ViT trained with beit4j itself): image
 * placeholder {@code [B, C, S, S]} -> patch tokens {@code [B, 1+n, D]} or {@code [B, n, D]}, then
 * the same [CLS] dropping, grid pooling and projection as {@link OnnxTeacher}. The graph is loaded
 * without updater state and only ever run forward.
 */
public final class SameDiffTeacher implements Teacher {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(SameDiffTeacher.class);

  private final SameDiffTeacherConfig config;
  private final SameDiff sd;
  private final DataType inputType;
  private final int modelChannels;
  private final TeacherTokens.Layout layout;
  private final String id;

  /**
   * Loads and checks the graph.
   *
   * @throws IllegalArgumentException if the file is missing or not a SameDiff graph, the input is
   *     not a placeholder of a fitting shape, or the output does not fit the config
   */
  public SameDiffTeacher(SameDiffTeacherConfig config) {
    this.config = config;
    TeacherFiles.requireReadableFile(config.graph(), "SameDiff graph");
    try {
      this.sd = SameDiff.load(config.graph().toFile(), false);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Not a valid SameDiff graph: "
              + config.graph().toAbsolutePath()
              + " (expected a file written by SameDiff.save; loading failed with "
              + e
              + ")",
          e);
    }
    SDVariable in = checkInput();
    this.inputType = in.dataType();
    long[] shape = in.getShape();
    this.modelChannels = shape != null && shape.length == 4 ? (int) shape[1] : -1;
    if (!sd.hasVariable(config.outputName())) {
      throw new IllegalArgumentException(
          describeGraph()
              + " has no variable '"
              + config.outputName()
              + "'; its outputs are "
              + sd.outputs());
    }
    int c = modelChannels > 0 ? modelChannels : config.preprocessing().mean().length;
    int s = config.preprocessing().inputSize();
    INDArray tokens = run(Nd4j.zeros(DataType.FLOAT, 1, c, s, s)); // [1, T, D]
    this.layout =
        TeacherTokens.layout(tokens.shape(), config.dropCls(), config.gridSize(), describeOutput());
    TeacherTokens.checkProjection(config.projection(), layout.width(), describeOutput());
    this.id =
        "samediff:"
            + config.graph().getFileName()
            + ":"
            + TeacherFiles.sha256Prefix(config.graph());
    log.info(
        "SameDiff teacher {}: '{}' -> '{}' {}x{} grid x {} -> {}x{} grid x {}",
        id,
        config.inputName(),
        config.outputName(),
        layout.teacherGrid(),
        layout.teacherGrid(),
        layout.width(),
        gridSize(),
        gridSize(),
        featureDim());
  }

  /** The configuration this teacher was loaded with. */
  public SameDiffTeacherConfig config() {
    return config;
  }

  /** Patches per side of the graph's own grid ({@code g}, before pooling). */
  public int teacherGridSize() {
    return layout.teacherGrid();
  }

  @Override
  public INDArray patchFeatures(INDArray images) {
    INDArray x = config.preprocessing().apply(images, modelChannels); // [B, C, S, S]
    INDArray tokens = run(x); // [B, T, D]
    return TeacherTokens.patchFeatures(
        tokens, x.size(0), layout, config.projection(), describeOutput()); // [B, N, Dt]
  }

  @Override
  public int gridSize() {
    return layout.tokenizerGrid();
  }

  @Override
  public int featureDim() {
    return config.projection() == null ? layout.width() : (int) config.projection().size(1);
  }

  @Override
  public String id() {
    return id;
  }

  /** SameDiff sessions are not thread-safe: one forward pass at a time. */
  private synchronized INDArray run(INDArray x) {
    INDArray out =
        sd.outputSingle(Map.of(config.inputName(), x.castTo(inputType)), config.outputName());
    return out.castTo(DataType.FLOAT);
  }

  private SDVariable checkInput() {
    String name = config.inputName();
    if (!sd.hasVariable(name)
        || sd.getVariable(name).getVariableType() != VariableType.PLACEHOLDER) {
      throw new IllegalArgumentException(
          describeGraph()
              + " has no placeholder '"
              + name
              + "'; its placeholders are "
              + sd.inputs());
    }
    SDVariable in = sd.getVariable(name);
    long[] shape = in.getShape();
    int s = config.preprocessing().inputSize();
    if (shape != null
        && (shape.length != 4
            || (shape[2] >= 0 && shape[2] != s)
            || (shape[3] >= 0 && shape[3] != s))) {
      throw new IllegalArgumentException(
          "placeholder '"
              + name
              + "' of "
              + describeGraph()
              + " has shape "
              + Arrays.toString(shape)
              + "; expected [B, C, "
              + s
              + ", "
              + s
              + "] (preprocessing.inputSize = "
              + s
              + ")");
    }
    return in;
  }

  private String describeGraph() {
    return "SameDiff graph " + config.graph().toAbsolutePath();
  }

  private String describeOutput() {
    return "output '" + config.outputName() + "' of " + describeGraph();
  }
}
