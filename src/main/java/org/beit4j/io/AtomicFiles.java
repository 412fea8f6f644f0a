package org.beit4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes artefacts so that a reader never sees half of one: everything is written to a temporary
 * sibling and then renamed into place, so a crash, a full disk or a kill leaves either the old
 * artefact or the new one.
 */
public final class AtomicFiles {

  /** Something that writes a file or fills a directory at the given (temporary) path. */
  @FunctionalInterface
  public interface Writer {
    void write(Path target) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes {@code target} (a file, or a directory the writer creates and fills) atomically. An
   * existing target is replaced only after the writer succeeded.
   *
   * @throws UncheckedIOException naming the target and the cause when writing fails; nothing is
   *     left behind
   */
  public static Path write(Path target, Writer writer) {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(parent);
      deleteRecursively(tmp);
      writer.write(tmp);
      if (!Files.exists(tmp)) {
        throw new IOException("the writer produced nothing at " + tmp);
      }
      Path old = null;
      if (Files.isDirectory(abs)) {
        old = parent.resolve("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid());
        deleteRecursively(old);
        move(abs, old);
      }
      move(tmp, abs);
      if (old != null) {
        deleteRecursively(old);
      }
      return abs;
    } catch (IOException | RuntimeException e) {
      try {
        deleteRecursively(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String hint =
          why.contains("No space left")
              ? " (the disk is full: free space or choose another --out)"
              : "";
      throw new UncheckedIOException(
          new IOException("Could not write " + abs + ": " + why + hint, e));
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a directory tree; absent paths are fine. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
