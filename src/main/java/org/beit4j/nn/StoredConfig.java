package org.beit4j.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.io.RecordProperties;
import org.beit4j.nn.VisionTransformer.Stored;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Reads the config a saved {@link VisionTransformer} carries: the {@value VisionTransformer#CONFIG}
 * constant ({@link RecordProperties} text as bytes), or the positional {@value
 * VisionTransformer#LEGACY_META} doubles of files written up to commit cfc7c7d.
 */
final class StoredConfig {

  private StoredConfig() {}

  /**
   * The stored config of a loaded graph.
   *
   * @throws IOException if the graph carries neither layout, or a legacy one of the wrong length
   */
  static Stored read(SameDiff sd, Path path) throws IOException {
    if (sd.hasVariable(VisionTransformer.CONFIG)) {
      int[] codes = sd.getVariable(VisionTransformer.CONFIG).getArr().toIntVector();
      byte[] bytes = new byte[codes.length];
      for (int i = 0; i < codes.length; i++) {
        bytes[i] = (byte) codes[i];
      }
      Map<String, String> keys = RecordProperties.parse(new String(bytes, StandardCharsets.UTF_8));
      return RecordProperties.read(
          Stored.class, keys, RecordProperties.Legacy.NONE, path + " " + VisionTransformer.CONFIG);
    }
    if (sd.hasVariable(VisionTransformer.LEGACY_META)) {
      return legacy(sd.getVariable(VisionTransformer.LEGACY_META).getArr().toDoubleVector(), path);
    }
    throw new IOException(
        path + " is not a beit4j VisionTransformer (no " + VisionTransformer.CONFIG + ")");
  }

  /**
   * The positional layout of files written up to commit cfc7c7d: image size, patch size, channels,
   * width, depth, heads, MLP ratio, qkv bias, layer-scale init, absolute positions, relative bias,
   * drop-path, classes, pool ordinal.
   */
  private static Stored legacy(double[] m, Path path) throws IOException {
    if (m.length != 14) {
      throw new IOException(
          path
              + " has a "
              + VisionTransformer.LEGACY_META
              + " of "
              + m.length
              + " values, not the 14 of the old layout; re-export it with the beit4j that wrote it");
    }
    VitConfig config =
        new VitConfig(
            (int) m[0],
            (int) m[1],
            (int) m[2],
            (int) m[3],
            (int) m[4],
            (int) m[5],
            m[6],
            m[7] != 0,
            m[8],
            m[9] != 0,
            m[10] != 0,
            m[11]);
    return new Stored(config, (int) m[12], VisionTransformer.Pool.values()[(int) m[13]]);
  }
}
