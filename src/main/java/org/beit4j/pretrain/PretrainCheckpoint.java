package org.beit4j.pretrain;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Manifest;
import org.beit4j.io.NamedArrays;
import org.beit4j.io.Provenance;
import org.beit4j.io.RecordProperties;
import org.beit4j.io.RecordProperties.Legacy;
import org.beit4j.train.AdamW;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pretraining checkpoint directory, written atomically:
 *
 * <pre>
 * config.properties      the PretrainConfig, flattened (vit.depth=6, ...)
 * params.bin             every parameter of the pretraining graph (NamedArrays)
 * optimizer.bin          AdamW moments and step count
 * trainer.properties     step, tokenizer id, format
 * provenance.properties  kind "pretrain-checkpoint"
 * </pre>
 *
 * Masks and the learning rate are functions of (seed, step), so these files are the whole state.
 */
public final class PretrainCheckpoint {

  static final String CONFIG = "config.properties";
  static final String PARAMS = "params.bin";
  static final String OPTIMIZER = "optimizer.bin";
  static final String TRAINER = "trainer.properties";
  static final String FORMAT = "beit4j-pretrain-1";
  private static final String REPLICAS = "run.replicas";

  /** The artefact kind of a pretraining checkpoint (its manifest and error messages). */
  public static final String KIND = "pretrain-checkpoint";

  /** Format version of the checkpoint directory (see {@link Manifest}). */
  public static final int FORMAT_VERSION = 1;

  private PretrainCheckpoint() {}

  /** What {@link #read} returns. */
  public record State(
      PretrainConfig config, Map<String, INDArray> params, long step, String tokenizerId) {}

  /** Writes the checkpoint at {@code dir} atomically (replacing an older one). */
  public static Path write(
      Path dir, PretrainModel model, AdamW optimizer, long step, String tokenizerId, String data) {
    return AtomicFiles.write(
        dir,
        tmp -> {
          Files.createDirectories(tmp);
          RecordProperties.save(model.config(), tmp.resolve(CONFIG));
          Map<String, INDArray> params = new LinkedHashMap<>();
          for (String name : model.parameterNames()) {
            params.put(name, model.parameter(name));
          }
          NamedArrays.write(tmp.resolve(PARAMS), params);
          optimizer.save(tmp.resolve(OPTIMIZER));
          Properties p = new Properties();
          p.setProperty("format", FORMAT);
          p.setProperty("step", Long.toString(step));
          p.setProperty("tokenizer", tokenizerId);
          try (Writer w = Files.newBufferedWriter(tmp.resolve(TRAINER), StandardCharsets.UTF_8)) {
            p.store(w, "beit4j pretraining state");
          }
          Provenance.of(
                  KIND,
                  model.config(),
                  data,
                  model.config().seed(),
                  step,
                  Map.of("tokenizer", tokenizerId))
              .save(tmp);
          Manifest.writeDir(tmp, KIND, FORMAT_VERSION);
        });
  }

  /**
   * Reads a checkpoint; with {@code expected} non-null, refuses one written for another config.
   *
   * @throws org.beit4j.io.ArtefactException naming every differing field, e.g. "vit.depth: 2 vs 3",
   *     or when the directory (or a file in it) is not a complete checkpoint, or a file is
   *     truncated or corrupted
   */
  public static State read(Path dir, PretrainConfig expected) {
    return Manifest.load(dir, KIND, FORMAT_VERSION, true, TRAINER, d -> readChecked(d, expected));
  }

  private static State readChecked(Path dir, PretrainConfig expected) {
    try {
      if (!Files.isRegularFile(dir.resolve(TRAINER))) {
        throw new IOException(dir + " is not a beit4j pretraining checkpoint (no " + TRAINER + ")");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(dir.resolve(TRAINER), StandardCharsets.UTF_8)) {
        p.load(r);
      }
      if (!FORMAT.equals(p.getProperty("format"))) {
        throw new IOException(dir + " has checkpoint format " + p.getProperty("format"));
      }
      Map<String, String> stored = RecordProperties.load(dir.resolve(CONFIG));
      if (PretrainConfig.FLAT_LAYOUT.matches(stored)) {
        stored = PretrainConfig.FLAT_LAYOUT.apply(stored);
      }
      stored = new LinkedHashMap<>(stored);
      // the replica count says how a step is spread over threads, not what it computes: a run may
      // continue with another count (the caller's), and checkpoints older than the field have none
      String storedReplicas = stored.remove(REPLICAS);
      if (expected != null) {
        Map<String, String> wanted = new LinkedHashMap<>(RecordProperties.flatten(expected));
        wanted.remove(REPLICAS);
        List<String> diff = RecordProperties.differences(stored, wanted);
        if (!diff.isEmpty()) {
          throw new IllegalArgumentException(
              "checkpoint "
                  + dir
                  + " was written for another config (checkpoint vs expected): "
                  + String.join("; ", diff));
        }
      }
      stored.put(
          REPLICAS,
          expected != null
              ? Integer.toString(expected.run().replicas())
              : storedReplicas == null ? "0" : storedReplicas);
      PretrainConfig config =
          RecordProperties.read(
              PretrainConfig.class, stored, Legacy.NONE, dir.resolve(CONFIG).toString());
      Map<String, INDArray> params = NamedArrays.read(dir.resolve(PARAMS));
      return new State(
          config, params, Long.parseLong(p.getProperty("step")), p.getProperty("tokenizer", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The model saved in checkpoint {@code dir} (e.g. a run's {@code pretrain/final}), for inference:
   * parameters only, no optimiser state.
   *
   * @throws UncheckedIOException when {@code dir} is not a complete checkpoint
   * @throws IllegalArgumentException when a parameter is missing or of another shape
   */
  public static PretrainModel loadModel(Path dir) {
    State state = read(dir, null);
    PretrainModel model = PretrainModel.build(state.config(), DataType.FLOAT);
    restore(model, state.params(), dir);
    return model;
  }

  /** Copies the saved parameters into {@code model}, checking names and shapes. */
  static void restore(PretrainModel model, Map<String, INDArray> params, Path dir) {
    for (String name : model.parameterNames()) {
      INDArray saved = params.get(name);
      if (saved == null || !Arrays.equals(saved.shape(), model.parameter(name).shape())) {
        throw new IllegalArgumentException(
            "checkpoint " + dir + " has no parameter " + name + " of the config's shape");
      }
      model.parameter(name).assign(saved);
    }
  }
}
