package org.beit4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an artefact holds, so that loading can tell a good one from a truncated, corrupted, swapped
 * or newer one: the artefact's kind and format version, and every file's size and SHA-256.
 *
 * <p>A directory artefact (teacher, tokenizer, checkpoint, ...) carries {@value #FILE_NAME} beside
 * its files; a single-file artefact (a backbone {@code .sd}, a results CSV) carries a sidecar
 * {@code <file>}{@value #SIDECAR_SUFFIX}. The manifest is written last, after every file it lists:
 * a crash before it leaves an artefact without a manifest, never one whose manifest lies.
 *
 * <p>{@link #load} is the one way artefacts are read: it accepts the artefact's directory or a file
 * inside it, checks the manifest, runs the reader and turns any failure into an {@link
 * ArtefactException} naming the path, the expected kind and what is wrong. Artefacts written before
 * manifests existed load with a warning.
 */
public final class Manifest {

  /** The manifest of a directory artefact. */
  public static final String FILE_NAME = "manifest.properties";

  /** Appended to a single-file artefact's name for its manifest. */
  public static final String SIDECAR_SUFFIX = ".manifest.properties";

  private static final String FORMAT = "beit4j-manifest-1";
  private static final Logger log = LoggerFactory.getLogger(Manifest.class);

  /** Reads an artefact from its directory or file (after the manifest check). */
  @FunctionalInterface
  public interface ArtefactReader<T> {
    T read(Path path) throws IOException;
  }

  private Manifest() {}

  /**
   * Writes {@code dir/manifest.properties} listing every regular file under {@code dir}. Call it
   * last, after the artefact's files (inside the {@link AtomicFiles#write} that creates them).
   */
  public static void writeDir(Path dir, String kind, int version) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals(FILE_NAME))
          .sorted()
          .forEach(files::add);
    }
    write(dir.resolve(FILE_NAME), dir, files, kind, version);
  }

  /** Writes the sidecar manifest {@code <file>.manifest.properties} of a single-file artefact. */
  public static void writeFile(Path file, String kind, int version) {
    Path abs = file.toAbsolutePath();
    AtomicFiles.write(
        sidecar(abs), tmp -> write(tmp, abs.getParent(), List.of(abs), kind, version));
  }

  /** Deletes a single-file artefact's sidecar manifest (before the file is rewritten). */
  public static void deleteSidecar(Path file) throws IOException {
    Files.deleteIfExists(sidecar(file));
  }

  private static void write(Path target, Path base, List<Path> files, String kind, int version)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("kind", kind);
    p.setProperty("version", Integer.toString(version));
    for (Path f : files) {
      String name = base.relativize(f).toString().replace('\\', '/');
      p.setProperty("file." + name + ".size", Long.toString(Files.size(f)));
      p.setProperty("file." + name + ".sha256", sha256(f));
    }
    try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      p.store(w, "beit4j artefact manifest: kind, format version, size and SHA-256 of each file");
    }
  }

  /**
   * Loads an artefact: resolves {@code path} ({@code dirArtefact}: the directory or a file in it;
   * else the file, or {@code path/fileName} when {@code path} is a directory), checks its manifest
   * and runs {@code reader} on the resolved path.
   *
   * @param fileName the artefact's main file (for a directory artefact: one it must contain)
   * @throws ArtefactException when anything is wrong, naming the path, the kind and the problem
   */
  public static <T> T load(
      Path path,
      String kind,
      int version,
      boolean dirArtefact,
      String fileName,
      ArtefactReader<T> reader) {
    Path target = resolve(path.toAbsolutePath(), kind, dirArtefact, fileName);
    verify(target, kind, version);
    try {
      return reader.read(target);
    } catch (ArtefactException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ArtefactException(target, kind, String.valueOf(e.getMessage()), e);
    } catch (IOException | RuntimeException e) {
      throw new ArtefactException(target, kind, describe(e), e);
    }
  }

  private static Path resolve(Path path, String kind, boolean dirArtefact, String fileName) {
    if (!Files.exists(path)) {
      throw new ArtefactException(path, kind, "nothing there");
    }
    Path dir = dirArtefact ? (Files.isDirectory(path) ? path : path.getParent()) : null;
    Path target =
        dirArtefact ? dir : Files.isDirectory(path) ? path.resolve(fileName) : path.normalize();
    Path main = dirArtefact ? dir.resolve(fileName) : target;
    if (Files.isDirectory(main)) {
      throw new ArtefactException(path, kind, main.getFileName() + " is a directory, not a file");
    }
    if (!Files.isRegularFile(main)) {
      String found = kindIn(main.getParent());
      throw new ArtefactException(
          path,
          kind,
          "no "
              + fileName
              + " in "
              + main.getParent()
              + (found == null ? ": not a " + kind : ": it holds a '" + found + "' artefact"));
    }
    return target;
  }

  /** The kind recorded in {@code dir}'s manifest, provenance or a sidecar manifest, or null. */
  private static String kindIn(Path dir) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(dir.resolve(FILE_NAME));
    candidates.add(dir.resolve(Provenance.FILE_NAME));
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> p.getFileName().toString().endsWith(SIDECAR_SUFFIX))
          .sorted()
          .forEach(candidates::add);
    } catch (IOException e) {
      return null;
    }
    for (Path f : candidates) {
      if (Files.isRegularFile(f)) {
        Properties p = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          p.load(r);
          return p.getProperty("kind");
        } catch (IOException | IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Checks the manifest of a directory artefact or of a single file (its sidecar, else the manifest
   * of the directory holding it); without one, logs a warning.
   *
   * @throws ArtefactException on another kind, a newer format, a missing, truncated, longer or
   *     corrupted file
   */
  public static void verify(Path artefact, String kind, int version) {
    Path path = artefact.toAbsolutePath();
    boolean dir = Files.isDirectory(path);
    Path manifest = dir ? path.resolve(FILE_NAME) : sidecar(path);
    Path base = dir ? path : path.getParent();
    String only = null;
    if (!dir && !Files.isRegularFile(manifest)) {
      manifest = base.resolve(FILE_NAME);
      only = path.getFileName().toString();
    }
    if (!Files.isRegularFile(manifest)) {
      log.warn(
          "{} has no {} (written before beit4j artefacts carried one): loading the {} without"
              + " checking its files",
          path.toAbsolutePath(),
          FILE_NAME,
          kind);
      return;
    }
    Properties p = read(manifest, path, kind);
    if (!FORMAT.equals(p.getProperty("format"))) {
      throw new ArtefactException(path, kind, manifest.getFileName() + " is damaged (no format)");
    }
    String found = p.getProperty("kind");
    if (!kind.equals(found)) {
      throw new ArtefactException(path, kind, "it holds a '" + found + "' artefact");
    }
    int saved = parseInt(p.getProperty("version"), path, kind);
    if (saved > version) {
      throw new ArtefactException(
          path,
          kind,
          "its format version "
              + saved
              + " is newer than this beit4j reads ("
              + version
              + "); update beit4j");
    }
    TreeSet<String> names = new TreeSet<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("file.") && key.endsWith(".size")) {
        names.add(key.substring(5, key.length() - 5));
      }
    }
    if (only != null && !names.contains(only)) {
      throw new ArtefactException(path, kind, manifest + " does not list " + only);
    }
    for (String name : only != null ? List.of(only) : names) {
      long size = parseLong(p.getProperty("file." + name + ".size"), path, kind);
      checkFile(base.resolve(name), name, size, p.getProperty("file." + name + ".sha256"), kind);
    }
  }

  private static void checkFile(Path file, String name, long size, String sha, String kind) {
    try {
      if (Files.isDirectory(file)) {
        throw new ArtefactException(file, kind, name + " is a directory, not a file");
      }
      if (!Files.exists(file)) {
        throw new ArtefactException(file, kind, name + " is missing (the manifest lists it)");
      }
      long actual = Files.size(file);
      if (actual < size) {
        throw new ArtefactException(
            file, kind, name + " is truncated: " + actual + " of " + size + " bytes");
      }
      if (actual > size) {
        throw new ArtefactException(
            file, kind, name + " is longer than recorded: " + actual + " bytes, not " + size);
      }
      if (!sha256(file).equals(sha)) {
        throw new ArtefactException(
            file, kind, name + " is corrupted: its SHA-256 differs from the manifest's");
      }
    } catch (IOException e) {
      throw new ArtefactException(file, kind, "cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static Properties read(Path manifest, Path path, String kind) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new ArtefactException(
          path, kind, manifest.getFileName() + " is unreadable: " + describe(e), e);
    }
    return p;
  }

  private static long parseLong(String s, Path path, String kind) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ArtefactException(path, kind, "the manifest is damaged (number '" + s + "')", e);
    }
  }

  private static int parseInt(String s, Path path, String kind) {
    return (int) parseLong(s, path, kind);
  }

  private static Path sidecar(Path file) {
    return file.resolveSibling(file.getFileName() + SIDECAR_SUFFIX);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    String what = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return "it is unreadable (truncated, corrupted or another kind of file?): " + what;
  }

  /** Hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
