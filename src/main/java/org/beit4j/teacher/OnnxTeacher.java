package org.beit4j.teacher;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 */
public final class OnnxTeacher implements Teacher {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(OnnxTeacher.class);

  private final OnnxTeacherConfig config;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int modelChannels;
  private final long fixedBatch;
  private final TeacherTokens.Layout layout;
  private final String id;

  /**
   * Opens and checks the model.
   *
   * @throws IllegalArgumentException if the file is missing or not an ONNX model, or its input or
   *     output does not fit the config (message names the file, the shapes and what was expected)
   */
  public OnnxTeacher(OnnxTeacherConfig config) {
    this.config = config;
    TeacherFiles.requireReadableFile(config.model(), "ONNX model");
    String file = config.model().toAbsolutePath().toString();
    this.env = OrtEnvironment.getEnvironment();
    this.options = new OrtSession.SessionOptions();
    try {
      if (config.threads() > 0) {
        options.setIntraOpNumThreads(config.threads());
      }
      this.session = env.createSession(file, options);
    } catch (OrtException e) {
      options.close();
      throw new IllegalArgumentException(
          "Not a valid ONNX model: " + file + " (ONNX Runtime: " + e.getMessage() + ")", e);
    }
    try {
      this.inputName = resolveInput();
      TensorInfo in =
          tensorInfo(session.getInputInfo().get(inputName), "input '" + inputName + "'");
      long[] inShape = checkInput(in);
      this.modelChannels = (int) inShape[1];
      this.fixedBatch = inShape[0];
      this.outputName = resolveOutput();
      TensorInfo out =
          tensorInfo(session.getOutputInfo().get(outputName), "output '" + outputName + "'");
      checkOutput(out);
      this.layout = probe();
      TeacherTokens.checkProjection(config.projection(), layout.width(), describeOutput());
      this.id =
          "onnx:" + config.model().getFileName() + ":" + TeacherFiles.sha256Prefix(config.model());
    } catch (OrtException e) {
      close();
      throw new IllegalArgumentException(
          "ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "ONNX teacher {}: input '{}' {}x{}, output '{}' {}x{} grid x {} -> {}x{} grid x {}",
        id,
        inputName,
        config.preprocessing().inputSize(),
        config.preprocessing().inputSize(),
        outputName,
        layout.teacherGrid(),
        layout.teacherGrid(),
        layout.width(),
        gridSize(),
        gridSize(),
        featureDim());
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
    INDArray x = config.preprocessing().apply(images, modelChannels); // [B, C, S, S]
    long b = x.size(0);
    INDArray tokens; // [B, T, D]
    if (fixedBatch == 1 && b > 1) {
      List<INDArray> parts = new ArrayList<>();
      for (long i = 0; i < b; i++) {
        parts.add(run(x.get(NDArrayIndex.interval(i, i + 1))));
      }
      tokens = Nd4j.concat(0, parts.toArray(new INDArray[0]));
    } else {
      if (fixedBatch > 0 && b != fixedBatch) {
        throw new IllegalArgumentException(
            describeInput() + " has a fixed batch of " + fixedBatch + ", got a batch of " + b);
      }
      tokens = run(x);
    }
    return TeacherTokens.patchFeatures(tokens, b, layout, config.projection(), describeOutput());
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
    try {
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      log.warn("Closing ONNX session of {} failed: {}", config.model(), e.getMessage());
    } finally {
      options.close();
    }
  }

  /** Runs the network on a preprocessed batch {@code [b, C, S, S]}; returns {@code [b, T, D]}. */
  private INDArray run(INDArray x) {
    float[] data = x.dup('c').data().asFloat();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
        OrtSession.Result result = session.run(Map.of(inputName, input), Set.of(outputName))) {
      OnnxValue value = result.get(0);
      if (!(value instanceof OnnxTensor out)) {
        throw new IllegalStateException(describeOutput() + " is not a tensor: " + value.getInfo());
      }
      long[] shape = out.getInfo().getShape();
      FloatBuffer buf = out.getFloatBuffer();
      float[] values = new float[buf.remaining()];
      buf.get(values);
      return Nd4j.create(values, shape, 'c');
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on "
              + config.model().toAbsolutePath()
              + " for input shape "
              + Arrays.toString(x.shape())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Runs one blank image to learn {@code [1, T, D]} and checks the grid. */
  private TeacherTokens.Layout probe() {
    int c = modelChannels > 0 ? modelChannels : config.preprocessing().mean().length;
    int s = config.preprocessing().inputSize();
    INDArray blank = Nd4j.zeros(DataType.FLOAT, 1, c, s, s);
    INDArray tokens = run(blank); // [1, T, D]
    return TeacherTokens.layout(
        tokens.shape(), config.dropCls(), config.gridSize(), describeOutput());
  }

  private String resolveInput() {
    Set<String> names = session.getInputNames();
    if (config.inputName() == null) {
      if (names.size() != 1) {
        throw new IllegalArgumentException(
            describeModel()
                + " has "
                + names.size()
                + " inputs "
                + names
                + "; set inputName to the image input");
      }
      return names.iterator().next();
    }
    if (!names.contains(config.inputName())) {
      throw new IllegalArgumentException(
          describeModel() + " has no input '" + config.inputName() + "'; its inputs are " + names);
    }
    return config.inputName();
  }

  private String resolveOutput() {
    List<String> names = new ArrayList<>(session.getOutputNames());
    if (config.outputName() != null) {
      if (!names.contains(config.outputName())) {
        throw new IllegalArgumentException(
            describeModel()
                + " has no output '"
                + config.outputName()
                + "'; its outputs are "
                + names);
      }
      return config.outputName();
    }
    if (config.outputIndex() >= names.size()) {
      throw new IllegalArgumentException(
          describeModel()
              + " has "
              + names.size()
              + " outputs "
              + names
              + "; outputIndex "
              + config.outputIndex()
              + " is out of range");
    }
    return names.get(config.outputIndex());
  }

  /** Checks {@code [B, C, S, S]} float (dynamic dims allowed); returns the declared shape. */
  private long[] checkInput(TensorInfo in) {
    long[] shape = in.getShape();
    int s = config.preprocessing().inputSize();
    boolean ok =
        shape.length == 4
            && (shape[2] < 0 || shape[2] == s)
            && (shape[3] < 0 || shape[3] == s)
            && in.type == OnnxJavaType.FLOAT;
    if (!ok) {
      throw new IllegalArgumentException(
          describeInput()
              + " is "
              + in.type
              + " "
              + Arrays.toString(shape)
              + "; expected FLOAT [B, C, "
              + s
              + ", "
              + s
              + "] (preprocessing.inputSize = "
              + s
              + ")");
    }
    return shape;
  }

  /** Checks the declared output is a float rank-3 tensor (sizes are checked by the probe). */
  private void checkOutput(TensorInfo out) {
    if (out.getShape().length != 3 || out.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException(
          describeOutput()
              + " is "
              + out.type
              + " "
              + Arrays.toString(out.getShape())
              + "; expected FLOAT patch tokens "
              + (config.dropCls() ? "[B, 1+N, D]" : "[B, N, D]")
              + " (choose another output by name or index)");
    }
  }

  private static TensorInfo tensorInfo(NodeInfo node, String what) {
    if (!(node.getInfo() instanceof TensorInfo t)) {
      throw new IllegalArgumentException(what + " is not a tensor: " + node.getInfo());
    }
    return t;
  }

  private String describeModel() {
    return "ONNX model " + config.model().toAbsolutePath();
  }

  private String describeInput() {
    return "input '" + inputName + "' of " + describeModel();
  }

  private String describeOutput() {
    return "output '" + outputName + "' of " + describeModel();
  }
}
