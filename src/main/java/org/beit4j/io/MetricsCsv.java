package org.beit4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A metrics CSV, one row per step, first column the step. Rows are flushed as written; reopening
 * for a resumed run keeps the rows up to the resumed step and drops later ones (written after the
 * checkpoint by the interrupted run), so the file describes exactly one run.
 */
public final class MetricsCsv implements AutoCloseable {

  private final Writer out;

  private MetricsCsv(Writer out) {
    this.out = out;
  }

  /**
   * Opens {@code file}: creates it with {@code header} or, if it exists with the same header, keeps
   * its rows whose step is {@code <= keepUpToStep}.
   */
  public static MetricsCsv open(Path file, List<String> header, long keepUpToStep) {
    try {
      String head = String.join(",", header);
      List<String> keep = new ArrayList<>();
      keep.add(head);
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && lines.get(0).equals(head)) {
          for (String line : lines.subList(1, lines.size())) {
            String first = line.split(",", 2)[0];
            if (!line.isBlank() && Long.parseLong(first) <= keepUpToStep) {
              keep.add(line);
            }
          }
        }
      }
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.write(file, keep, StandardCharsets.UTF_8);
      return new MetricsCsv(
          Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    } catch (IOException | NumberFormatException e) {
      throw new UncheckedIOException(new IOException("Could not open metrics " + file, e));
    }
  }

  /** Appends one row: the step, then the values with 6 significant digits. */
  public void row(long step, double... values) {
    StringBuilder sb = new StringBuilder(Long.toString(step));
    for (double v : values) {
      sb.append(',').append(String.format(Locale.ROOT, "%.6g", v));
    }
    try {
      out.write(sb.append('\n').toString());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
