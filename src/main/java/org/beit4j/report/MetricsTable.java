package org.beit4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.io.CsvRecords;

/**
 * A CSV file with a header line, read into columns: what {@link org.beit4j.io.MetricsCsv} writes
 * (step first, then numbers) and the evaluation table {@code eval/results.csv} (text columns, blank
 * cells). Fields may be quoted with {@code "} (a doubled {@code ""} inside quotes is one quote).
 * Every error names the file, the 1-based line and, for a bad number, the column.
 *
 * <pre>{@code
 * MetricsTable t = MetricsTable.read(run.resolve("pretrain/metrics.csv"));
 * double[] steps = t.numbers("step");
 * double[] loss = t.numbers("mimLoss"); // NaN where a cell is blank or "NaN"
 * }</pre>
 */
public final class MetricsTable {

  private final Path file;
  private final List<String> header;
  private final Map<String, Integer> index;
  private final List<String[]> rows;
  private final int[] lineNumbers; // 1-based file line of each row

  private MetricsTable(Path file, List<String> header, List<String[]> rows, int[] lineNumbers) {
    this.file = file;
    this.header = List.copyOf(header);
    this.rows = rows;
    this.lineNumbers = lineNumbers;
    this.index = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      index.put(header.get(i), i);
    }
  }

  /**
   * Reads {@code file}. Blank lines are skipped; every other line must have as many fields as the
   * header.
   *
   * @throws IllegalArgumentException naming the file and line when the file is empty, a header name
   *     repeats or a row has the wrong number of fields
   * @throws UncheckedIOException naming the file when it is missing or unreadable
   */
  public static MetricsTable read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("No metrics file " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IllegalArgumentException(file + ":1: empty file, expected a CSV header line");
    }
    List<String> header = List.of(split(lines.get(0), file, 1));
    for (int i = 0; i < header.size(); i++) {
      if (header.indexOf(header.get(i)) != i) {
        throw new IllegalArgumentException(
            file + ":1: column '" + header.get(i) + "' appears twice in the header");
      }
    }
    List<String[]> rows = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      String[] fields = split(line, file, n + 1);
      if (fields.length != header.size()) {
        throw new IllegalArgumentException(
            file
                + ":"
                + (n + 1)
                + ": expected "
                + header.size()
                + " fields ("
                + String.join(",", header)
                + ") but found "
                + fields.length
                + ": '"
                + line
                + "' (a truncated or hand-edited file?)");
      }
      rows.add(fields);
      numbers.add(n + 1);
    }
    return new MetricsTable(
        file, header, rows, numbers.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Splits one CSV line ({@link CsvRecords}); fields are trimmed. */
  static String[] split(String line, Path file, int lineNumber) {
    List<List<String>> records = CsvRecords.parse(line, file + ":" + lineNumber);
    List<String> fields = records.isEmpty() ? List.of("") : records.get(0);
    return fields.stream().map(String::trim).toArray(String[]::new);
  }

  /** The file this table was read from. */
  public Path file() {
    return file;
  }

  /** Column names in file order. */
  public List<String> header() {
    return header;
  }

  /** Number of data rows. */
  public int size() {
    return rows.size();
  }

  public boolean has(String column) {
    return index.containsKey(column);
  }

  /** The first of {@code names} that is a column, or {@code null}. */
  public String firstPresent(String... names) {
    for (String n : names) {
      if (has(n)) {
        return n;
      }
    }
    return null;
  }

  /** The cells of a column as text. */
  public String[] text(String column) {
    int c = column(column);
    String[] out = new String[rows.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = rows.get(r)[c];
    }
    return out;
  }

  /**
   * The cells of a column as numbers; blank cells and {@code NaN} are {@link Double#NaN}.
   *
   * @throws IllegalArgumentException naming the file, line, column and cell that is not a number
   */
  public double[] numbers(String column) {
    int c = column(column);
    double[] out = new double[rows.size()];
    for (int r = 0; r < out.length; r++) {
      String s = rows.get(r)[c];
      if (s.isEmpty()) {
        out[r] = Double.NaN;
        continue;
      }
      try {
        out[r] = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file
                + ":"
                + lineNumbers[r]
                + ": column '"
                + column
                + "' has '"
                + s
                + "', which is not a number",
            e);
      }
    }
    return out;
  }

  /** Whether a column exists and has at least one finite number. */
  public boolean hasValues(String column) {
    return has(column) && Arrays.stream(numbers(column)).anyMatch(Double::isFinite);
  }

  private int column(String name) {
    Integer c = index.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          file + ": no column '" + name + "'; the header has " + header);
    }
    return c;
  }
}
