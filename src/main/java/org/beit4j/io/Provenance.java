package org.beit4j.io;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a trained artefact came from (after Tribuo's provenance): what it is, the configuration,
 * data, seed and steps that made it, and when. Stored next to the artefact as {@code
 * provenance.properties} so a user can always tell what a file on disk is.
 *
 * @param kind what the artefact is, e.g. "teacher", "tokenizer", "backbone"
 * @param config the configuration record's {@code toString()}
 * @param data which data and how much, e.g. "fashion-mnist train, 60000 images"
 * @param seed the random seed of the run
 * @param steps optimisation steps taken
 * @param created when the artefact was written (ISO-8601)
 * @param extra anything else worth keeping (teacher id, accuracy, ...), in insertion order
 */
public record Provenance(
    String kind,
    String config,
    String data,
    long seed,
    long steps,
    String created,
    Map<String, String> extra) {

  /** The file name used inside an artefact directory. */
  public static final String FILE_NAME = "provenance.properties";

  public Provenance {
    if (kind == null || kind.isBlank()) {
      throw new IllegalArgumentException("provenance kind must be non-blank, got '" + kind + "'");
    }
    if (steps < 0) {
      throw new IllegalArgumentException("provenance steps must be >= 0, got " + steps);
    }
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
  }

  /** A provenance stamped with the current time. */
  public static Provenance of(
      String kind, Object config, String data, long seed, long steps, Map<String, String> extra) {
    return new Provenance(
        kind, String.valueOf(config), data, seed, steps, Instant.now().toString(), extra);
  }

  /** A copy with one more extra entry. */
  public Provenance with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(extra);
    more.put(key, value);
    return new Provenance(kind, config, data, seed, steps, created, more);
  }

  /** Writes {@code dir/provenance.properties}. */
  public void save(Path dir) {
    Properties p = new Properties();
    p.setProperty("kind", kind);
    p.setProperty("config", config);
    p.setProperty("data", data == null ? "" : data);
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("steps", Long.toString(steps));
    p.setProperty("created", created);
    extra.forEach((k, v) -> p.setProperty("extra." + k, v));
    try (Writer w = Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      p.store(w, "beit4j artefact provenance");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + dir.resolve(FILE_NAME), e);
    }
  }

  /**
   * Reads {@code dir/provenance.properties}.
   *
   * @throws UncheckedIOException naming the file when it is missing or unreadable
   */
  public static Provenance load(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          "No " + FILE_NAME + " in " + dir + ": this is not a beit4j artefact directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
    Map<String, String> extra = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith("extra.")) {
        extra.put(name.substring("extra.".length()), p.getProperty(name));
      }
    }
    try {
      return new Provenance(
          p.getProperty("kind"),
          p.getProperty("config", ""),
          p.getProperty("data", ""),
          Long.parseLong(p.getProperty("seed", "0")),
          Long.parseLong(p.getProperty("steps", "0")),
          p.getProperty("created", ""),
          extra);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is malformed: " + e.getMessage(), e);
    }
  }
}
