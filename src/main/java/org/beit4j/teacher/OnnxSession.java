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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime side of {@link OnnxTeacher}: opens the model, checks its input and output
 * against the config and runs batches. It is the only class that names ONNX Runtime types, so that
 * {@link OnnxTeacher} itself loads without ONNX Runtime (an optional dependency) and can say that
 * it is missing.
 */
final class OnnxSession implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OnnxSession.class);

  private final OnnxTeacherConfig config;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int modelChannels;
  private final long fixedBatch;

  /**
   * Opens {@code config.model()} and checks its image input and token output.
   *
   * @throws IllegalArgumentException if the file is not an ONNX model or does not fit the config
   */
  OnnxSession(OnnxTeacherConfig config) {
    this.config = config;
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
    } catch (OrtException e) {
      close();
      throw new IllegalArgumentException(
          "ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  String inputName() {
    return inputName;
  }

  String outputName() {
    return outputName;
  }

  /** Channels of the model's input ({@code C}; not positive when dynamic). */
  int modelChannels() {
    return modelChannels;
  }

  /** The model's batch size when fixed, else not positive. */
  long fixedBatch() {
    return fixedBatch;
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
  INDArray run(INDArray x) {
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

  String describeInput() {
    return "input '" + inputName + "' of " + describeModel();
  }

  String describeOutput() {
    return "output '" + outputName + "' of " + describeModel();
  }
}
