package org.beit4j.tokenizer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.quantizer.QuantizerConfig;

/** Reads and writes a {@link VqKdConfig} as a human-readable {@code vqkd.properties} file. */
final class VqKdConfigFile {

  static final String FILE_NAME = "vqkd.properties";

  private VqKdConfigFile() {}

  static void write(VqKdConfig c, Path dir) throws IOException {
    Properties p = new Properties();
    VitConfig e = c.encoder();
    p.setProperty("encoder.imageSize", str(e.imageSize()));
    p.setProperty("encoder.patchSize", str(e.patchSize()));
    p.setProperty("encoder.channels", str(e.channels()));
    p.setProperty("encoder.width", str(e.width()));
    p.setProperty("encoder.depth", str(e.depth()));
    p.setProperty("encoder.heads", str(e.heads()));
    p.setProperty("encoder.mlpRatio", Double.toString(e.mlpRatio()));
    p.setProperty("encoder.qkvBias", Boolean.toString(e.qkvBias()));
    p.setProperty("encoder.layerScaleInit", Double.toString(e.layerScaleInit()));
    p.setProperty("encoder.absPosEmbed", Boolean.toString(e.absPosEmbed()));
    p.setProperty("encoder.relPosBias", Boolean.toString(e.relPosBias()));
    p.setProperty("encoder.dropPath", Double.toString(e.dropPath()));
    p.setProperty("decoderDepth", str(c.decoderDepth()));
    p.setProperty("decoderWidth", str(c.decoderWidth()));
    QuantizerConfig q = c.quantizer();
    p.setProperty("quantizer.codebookSize", str(q.codebookSize()));
    p.setProperty("quantizer.codeDim", str(q.codeDim()));
    p.setProperty("quantizer.beta", Double.toString(q.beta()));
    p.setProperty("quantizer.emaDecay", Double.toString(q.emaDecay()));
    p.setProperty("quantizer.epsilon", Double.toString(q.epsilon()));
    p.setProperty("quantizer.kmeansInit", Boolean.toString(q.kmeansInit()));
    p.setProperty("quantizer.deadCodeWindow", str(q.deadCodeWindow()));
    p.setProperty("teacherDim", str(c.teacherDim()));
    p.setProperty("mode", c.mode().name());
    p.setProperty("pixelStats.mean", floats(c.pixelStats().mean()));
    p.setProperty("pixelStats.std", floats(c.pixelStats().std()));
    p.setProperty("learningRate", Double.toString(c.learningRate()));
    p.setProperty("warmupSteps", str(c.warmupSteps()));
    p.setProperty("steps", str(c.steps()));
    p.setProperty("batchSize", str(c.batchSize()));
    p.setProperty("kmeansBatches", str(c.kmeansBatches()));
    p.setProperty("logEvery", str(c.logEvery()));
    p.setProperty("seed", Long.toString(c.seed()));
    try (Writer w = Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      p.store(w, "beit4j VQ-KD tokenizer configuration");
    }
  }

  /**
   * @throws IllegalArgumentException naming the file and the field when it is missing or malformed
   */
  static VqKdConfig read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "No " + FILE_NAME + " in " + dir + ": not a directory written by VqKdTokenizer.save", e);
    }
    Fields f = new Fields(p, file);
    VitConfig enc =
        new VitConfig(
            f.i("encoder.imageSize"),
            f.i("encoder.patchSize"),
            f.i("encoder.channels"),
            f.i("encoder.width"),
            f.i("encoder.depth"),
            f.i("encoder.heads"),
            f.d("encoder.mlpRatio"),
            f.b("encoder.qkvBias"),
            f.d("encoder.layerScaleInit"),
            f.b("encoder.absPosEmbed"),
            f.b("encoder.relPosBias"),
            f.d("encoder.dropPath"));
    QuantizerConfig q =
        new QuantizerConfig(
            f.i("quantizer.codebookSize"),
            f.i("quantizer.codeDim"),
            f.d("quantizer.beta"),
            f.d("quantizer.emaDecay"),
            f.d("quantizer.epsilon"),
            f.b("quantizer.kmeansInit"),
            f.i("quantizer.deadCodeWindow"));
    return new VqKdConfig(
        enc,
        f.i("decoderDepth"),
        f.i("decoderWidth"),
        q,
        f.i("teacherDim"),
        VqKdConfig.CodebookMode.valueOf(f.s("mode")),
        new ChannelStats(f.fs("pixelStats.mean"), f.fs("pixelStats.std")),
        f.d("learningRate"),
        f.i("warmupSteps"),
        f.i("steps"),
        f.i("batchSize"),
        f.i("kmeansBatches"),
        f.i("logEvery"),
        Long.parseLong(f.s("seed")));
  }

  private static String str(int v) {
    return Integer.toString(v);
  }

  private static String floats(float[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(v[i]);
    }
    return sb.toString();
  }

  /** Typed access with messages naming the file and the key. */
  private record Fields(Properties p, Path file) {
    String s(String key) {
      String v = p.getProperty(key);
      if (v == null) {
        throw new IllegalArgumentException(file + " has no '" + key + "'");
      }
      return v.trim();
    }

    int i(String key) {
      try {
        return Integer.parseInt(s(key));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ": '" + key + "' is not an integer", e);
      }
    }

    double d(String key) {
      try {
        return Double.parseDouble(s(key));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ": '" + key + "' is not a number", e);
      }
    }

    boolean b(String key) {
      return Boolean.parseBoolean(s(key));
    }

    float[] fs(String key) {
      String[] parts = s(key).split(",");
      float[] out = new float[parts.length];
      for (int k = 0; k < parts.length; k++) {
        out[k] = Float.parseFloat(parts[k].trim());
      }
      return out;
    }
  }
}
