package org.beit4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.io.RecordProperties;

/**
 * A {@link VqKdConfig} as {@code vqkd.properties} in a tokenizer directory, through {@link
 * RecordProperties}; also reads the flat layout of tokenizers written before the run settings moved
 * into {@code run} (beit4j up to commit cfc7c7d).
 */
final class VqKdConfigFile {

  static final String FILE_NAME = "vqkd.properties";

  private VqKdConfigFile() {}

  static void write(VqKdConfig c, Path dir) throws IOException {
    RecordProperties.save(c, dir.resolve(FILE_NAME));
  }

  /**
   * @throws IllegalArgumentException naming the file and the missing, unknown or malformed keys
   */
  static VqKdConfig read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "No " + FILE_NAME + " in " + dir + ": not a directory written by VqKdTokenizer.save");
    }
    return RecordProperties.read(VqKdConfig.class, file, VqKdConfig.FLAT_LAYOUT);
  }
}
