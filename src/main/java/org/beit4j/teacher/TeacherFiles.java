package org.beit4j.teacher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File checks and provenance digests for teachers loaded from disk. */
final class TeacherFiles {

  /** Hex digits of the SHA-256 kept in a teacher id. */
  static final int DIGEST_CHARS = 12;

  private TeacherFiles() {}

  /**
   * @throws IllegalArgumentException naming the path and what it should be, if it is not a readable
   *     regular file
   */
  static void requireReadableFile(Path file, String what) {
    if (file == null) {
      throw new IllegalArgumentException(what + " path is null");
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          what + " not found: " + file.toAbsolutePath() + " (no such file)");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          what + " is not a readable file: " + file.toAbsolutePath());
    }
  }

  /** The first {@value #DIGEST_CHARS} hex digits of the file's SHA-256. */
  static String sha256Prefix(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, DIGEST_CHARS);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }
}
