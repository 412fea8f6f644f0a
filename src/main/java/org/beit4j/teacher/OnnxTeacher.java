package org.beit4j.teacher;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.Beit4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frozen teacher run by ONNX Runtime: any network a user exported to ONNX that maps an image
 * {@code [B, C, S, S]} to patch tokens {@code [B, 1+n, D]} (or {@code [B, n, D]}), such as the CLIP
 * or DINO ViT-B/16 visual encoders of the BEiT v2 paper (docs/teachers.md).
 *
 * <p>{@link #patchFeatures}: pixels {@code [B, C, H, W]} in [0, 1] -> {@link TeacherPreprocessing}
 * (resize, grey to RGB, mean/std) -> the network -> drop [CLS] -> average-pool the teacher grid
 * {@code g x g} onto the tokenizer grid {@code G x G} ({@code g = k G}) -> optional projection
 * {@code [D, Dt]} -> {@code [B, G*G, Dt]}.
 *
 * <p>Opening the model checks the file, the input and output shapes against the config, and runs
 * one blank image through it to learn the token count and width, so every mismatch is reported here
 * rather than in the middle of training. Models exported with a fixed batch of 1 are run one image
 * at a time.
 *
 * <p>ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime}) is an optional dependency of
 * beit4j: add it to your project to use this class; without it the constructor fails with an {@link
 * IllegalStateException} saying so.
 */
public final class OnnxTeacher implements Teacher {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(OnnxTeacher.class);

  /** What to add when ONNX Runtime is not on the class path. */
  static final String MISSING_RUNTIME =
      "OnnxTeacher needs ONNX Runtime, an optional dependency of beit4j that is not on the class"
          + " path: add com.microsoft.onnxruntime:onnxruntime:1.20.0 to your project";

  private final OnnxTeacherConfig config;
  private final OnnxSession session;
  private final TeacherTokens.Layout layout;
  private final String id;

  /**
   * Opens and checks the model.
   *
   * @throws IllegalArgumentException if the file is missing or not an ONNX model, or its input or
   *     output does not fit the config (message names the file, the shapes and what was expected)
   * @throws IllegalStateException if ONNX Runtime is not on the class path
   */
  public OnnxTeacher(OnnxTeacherConfig config) {
    this.config = config;
    TeacherFiles.requireReadableFile(config.model(), "ONNX model");
    this.session = open(config);
    try {
      this.layout = probe();
      TeacherTokens.checkProjection(config.projection(), layout.width(), session.describeOutput());
      this.id =
          "onnx:" + config.model().getFileName() + ":" + TeacherFiles.sha256Prefix(config.model());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    log.info(
        "ONNX teacher {}: input '{}' {}x{}, output '{}' {}x{} grid x {} -> {}x{} grid x {}",
        id,
        session.inputName(),
        config.preprocessing().inputSize(),
        config.preprocessing().inputSize(),
        session.outputName(),
        layout.teacherGrid(),
        layout.teacherGrid(),
        layout.width(),
        gridSize(),
        gridSize(),
        featureDim());
  }

  /** The session, or a clear message when ONNX Runtime's classes are missing. */
  private static OnnxSession open(OnnxTeacherConfig config) {
    try {
      return new OnnxSession(config);
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(MISSING_RUNTIME + " (" + e.getMessage() + ")", e);
    }
  }

  /** The configuration this teacher was opened with. */
  public OnnxTeacherConfig config() {
    return config;
  }

  /** Patches per side of the teacher network's own grid ({@code g}, before pooling). */
  public int teacherGridSize() {
    return layout.teacherGrid();
  }

  @Override
  public INDArray patchFeatures(INDArray images) {
    INDArray x = config.preprocessing().apply(images, session.modelChannels()); // [B, C, S, S]
    long b = x.size(0);
    long fixedBatch = session.fixedBatch();
    INDArray tokens; // [B, T, D]
    if (fixedBatch == 1 && b > 1) {
      List<INDArray> parts = new ArrayList<>();
      for (long i = 0; i < b; i++) {
        parts.add(session.run(x.get(NDArrayIndex.interval(i, i + 1))));
      }
      tokens = Nd4j.concat(0, parts.toArray(new INDArray[0]));
    } else {
      if (fixedBatch > 0 && b != fixedBatch) {
        throw new IllegalArgumentException(
            session.describeInput()
                + " has a fixed batch of "
                + fixedBatch
                + ", got a batch of "
                + b);
      }
      tokens = session.run(x);
    }
    return TeacherTokens.patchFeatures(
        tokens, b, layout, config.projection(), session.describeOutput());
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

  @Override
  public void close() {
    session.close();
  }

  /** Runs one blank image to learn {@code [1, T, D]} and checks the grid. */
  private TeacherTokens.Layout probe() {
    int c =
        session.modelChannels() > 0
            ? session.modelChannels()
            : config.preprocessing().mean().length;
    int s = config.preprocessing().inputSize();
    INDArray blank = Nd4j.zeros(DataType.FLOAT, 1, c, s, s);
    INDArray tokens = session.run(blank); // [1, T, D]
    return TeacherTokens.layout(
        tokens.shape(), config.dropCls(), config.gridSize(), session.describeOutput());
  }
}
