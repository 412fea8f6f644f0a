package org.beit4j.pipeline;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.beit4j.config.VitConfig;

/**
 * The checks every stage makes on its {@code --out} directory before any work starts: it can be
 * created (or exists as a directory), a file can be written into it, and its file system has room
 * for the artefact. Nothing is left behind by the checks.
 */
public final class OutputDir {

  private static final long MIB = 1024L * 1024L;

  private OutputDir() {}

  /**
   * Checks that {@code dir} can receive an artefact of about {@code bytesNeeded} bytes.
   *
   * @param what the artefact, for the message ("the tokenizer")
   * @throws PipelineException saying what is wrong and how to fix it
   */
  public static void check(Path dir, long bytesNeeded, String what) {
    Path abs = dir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new PipelineException("cannot create " + abs + ": no part of the path exists");
    }
    if (!Files.isDirectory(existing)) {
      throw new PipelineException(
          "cannot create the output directory "
              + abs
              + ": "
              + existing
              + " is a file, not a directory. Choose another --out.");
    }
    probeWrite(existing, abs);
    long free;
    try {
      FileStore store = Files.getFileStore(existing);
      free = store.getUsableSpace();
    } catch (IOException e) {
      throw new PipelineException("cannot tell the free space at " + existing + ": " + e, e);
    }
    if (free < bytesNeeded) {
      throw new PipelineException(
          String.format(
              Locale.ROOT,
              "not enough disk for %s in %s: it needs about %s but only %s is free there."
                  + " Free some space or choose --out on another disk.",
              what,
              abs,
              megabytes(bytesNeeded),
              megabytes(free)));
    }
  }

  private static void probeWrite(Path existing, Path target) {
    Path probe = null;
    try {
      probe = Files.createTempFile(existing, ".beit4j-write-check", ".tmp");
    } catch (IOException | SecurityException e) {
      throw new PipelineException(
          "cannot write the output directory "
              + target
              + ": "
              + existing
              + " is not writable ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "). Fix its permissions (chmod u+w "
              + existing
              + ") or choose another --out.",
          e);
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // a leftover empty probe file is harmless
        }
      }
    }
  }

  /** "12.3 MB" style sizes for messages. */
  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (double) MIB);
  }

  /**
   * About how many parameters a ViT of this shape has: per block the attention ({@code 4 D^2}), the
   * MLP ({@code 2 D H}) and norms, biases and layer scales ({@code ~10 D}); plus the patch
   * embedding and the position and [CLS] tokens.
   */
  public static long vitParameters(VitConfig v) {
    long d = v.width();
    long perBlock = 4 * d * d + 2 * d * v.mlpHidden() + 10 * d + v.mlpHidden();
    return v.depth() * perBlock + (long) v.patchDim() * d + (v.tokens() + 2) * d;
  }

  /**
   * Disk for an artefact of {@code floats} 32-bit values written atomically: twice the data (the
   * new copy is complete before the old one is removed) plus 1 MiB for small files.
   */
  public static long atomicBytes(long floats) {
    return 2 * 4 * floats + MIB;
  }
}
