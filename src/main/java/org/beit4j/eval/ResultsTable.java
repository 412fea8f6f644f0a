package org.beit4j.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.CsvRecords;
import org.beit4j.io.Manifest;

/**
 * The comparative results table of a run: one row per representation with its linear-probe, k-NN
 * and (optional) fine-tuning top-1 on the same held-out split. Written as {@value #CSV_FILE}
 * (fractions in [0, 1], blank = not run) and {@value #MD_FILE} (percent, "—" = not run).
 *
 * @param rows in display order, names unique
 */
public record ResultsTable(List<Row> rows) {

  /** The CSV header of the run-directory contract. */
  public static final String HEADER = "name,description,linear_top1,knn_top1,finetune_top1";

  public static final String CSV_FILE = "results.csv";
  public static final String MD_FILE = "results.md";

  /** The artefact kind of a saved results table (its manifest and error messages). */
  public static final String KIND = "metrics";

  /** Format version of {@value #CSV_FILE} (see {@link org.beit4j.io.Manifest}). */
  public static final int FORMAT_VERSION = 1;

  /** Shown in Markdown for a measurement that was not run. */
  public static final String MISSING = "—";

  /**
   * One row; {@code NaN} marks a measurement that was not run.
   *
   * @param name short identifier, e.g. "beit-v2"
   * @param description what it is, e.g. "BEiT v2 backbone, mean-pooled"
   * @param linearTop1 linear-probe top-1 in [0, 1], or NaN
   * @param knnTop1 k-NN top-1 in [0, 1], or NaN
   * @param finetuneTop1 fine-tuning top-1 in [0, 1], or NaN
   */
  public record Row(
      String name, String description, double linearTop1, double knnTop1, double finetuneTop1) {

    /** Validates the name and the ranges. */
    public Row {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("row name must not be blank, got '" + name + "'");
      }
      if (description == null) {
        description = "";
      }
      checkFraction(name, "linearTop1", linearTop1);
      checkFraction(name, "knnTop1", knnTop1);
      checkFraction(name, "finetuneTop1", finetuneTop1);
    }

    /** The probe and k-NN figures of a frozen evaluation, no fine-tuning. */
    public static Row of(ProbeResult r) {
      return new Row(r.name(), r.description(), r.linearTop1(), r.knnTop1(), Double.NaN);
    }

    /** A copy with this fine-tuning top-1. */
    public Row withFinetune(double top1) {
      return new Row(name, description, linearTop1, knnTop1, top1);
    }

    private static void checkFraction(String row, String field, double v) {
      if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(
            "row " + row + ": " + field + " must be in [0, 1] or NaN (not run), got " + v);
      }
    }
  }

  /** Copies the rows; names must be unique. */
  public ResultsTable {
    rows = List.copyOf(rows);
    Set<String> seen = new HashSet<>();
    for (Row r : rows) {
      if (!seen.add(r.name())) {
        throw new IllegalArgumentException("row name " + r.name() + " appears twice");
      }
    }
  }

  /** An empty table. */
  public static ResultsTable empty() {
    return new ResultsTable(List.of());
  }

  /** A copy with {@code row} appended. */
  public ResultsTable with(Row row) {
    List<Row> out = new ArrayList<>(rows);
    out.add(row);
    return new ResultsTable(out);
  }

  /** A copy with a row for a frozen evaluation appended. */
  public ResultsTable with(ProbeResult r) {
    return with(Row.of(r));
  }

  /**
   * A copy in which row {@code name} has this fine-tuning top-1.
   *
   * @throws IllegalArgumentException if there is no such row
   */
  public ResultsTable withFinetune(String name, double top1) {
    row(name); // refuses a name not in the table
    return new ResultsTable(
        rows.stream().map(r -> r.name().equals(name) ? r.withFinetune(top1) : r).toList());
  }

  /**
   * The row called {@code name}.
   *
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  public Row row(String name) {
    return rows.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no row named " + name + " in " + names()));
  }

  private List<String> names() {
    return rows.stream().map(Row::name).toList();
  }

  /** A GitHub Markdown table, accuracies in percent with one decimal. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| name | description | linear top-1 | k-NN top-1 | fine-tune top-1 |\n");
    sb.append("| --- | --- | ---: | ---: | ---: |\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(mdCell(r.name()))
          .append(" | ")
          .append(mdCell(r.description()))
          .append(" | ")
          .append(percent(r.linearTop1()))
          .append(" | ")
          .append(percent(r.knnTop1()))
          .append(" | ")
          .append(percent(r.finetuneTop1()))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String mdCell(String s) {
    return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  private static String percent(double v) {
    return Double.isNaN(v) ? MISSING : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** The CSV text: {@link #HEADER}, then one line per row; fractions exact, blank = not run. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Row r : rows) {
      sb.append(csvCell(r.name()))
          .append(',')
          .append(csvCell(r.description()))
          .append(',')
          .append(number(r.linearTop1()))
          .append(',')
          .append(number(r.knnTop1()))
          .append(',')
          .append(number(r.finetuneTop1()))
          .append('\n');
    }
    return sb.toString();
  }

  private static String csvCell(String s) {
    boolean quote = s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r");
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * Writes {@value #CSV_FILE} and {@value #MD_FILE} into {@code dir} (created if needed), each
   * atomically.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public void save(Path dir) {
    Path csv = dir.resolve(CSV_FILE);
    try {
      Manifest.deleteSidecar(csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.write(csv, tmp -> Files.writeString(tmp, toCsv(), StandardCharsets.UTF_8));
    Manifest.writeFile(csv, KIND, FORMAT_VERSION);
    AtomicFiles.write(
        dir.resolve(MD_FILE), tmp -> Files.writeString(tmp, toMarkdown(), StandardCharsets.UTF_8));
  }

  /**
   * Reads a {@value #CSV_FILE} written by {@link #save} (the file, or the directory holding it),
   * checking its manifest.
   *
   * @throws org.beit4j.io.ArtefactException naming the file (and line) if it is missing, truncated,
   *     corrupted or not such a table
   */
  public static ResultsTable load(Path csv) {
    return Manifest.load(
        csv,
        KIND,
        FORMAT_VERSION,
        false,
        CSV_FILE,
        f -> {
          return parse(CsvRecords.readComplete(f), f.toString());
        });
  }

  /** Parses the text of {@link #toCsv}; {@code where} names it in error messages. */
  public static ResultsTable parse(String text, String where) {
    List<List<String>> records = CsvRecords.parse(text, where);
    if (records.isEmpty() || !String.join(",", records.get(0)).equals(HEADER)) {
      throw new IllegalArgumentException(
          where + " is not a results table: the first line must be '" + HEADER + "'");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      List<String> f = records.get(i);
      if (f.size() != 5) {
        throw new IllegalArgumentException(
            where + " record " + (i + 1) + " has " + f.size() + " fields, expected 5");
      }
      try {
        rows.add(
            new Row(
                f.get(0),
                f.get(1),
                parseValue(f.get(2)),
                parseValue(f.get(3)),
                parseValue(f.get(4))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " record " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new ResultsTable(rows);
  }

  private static double parseValue(String s) {
    return s.isBlank() ? Double.NaN : Double.parseDouble(s.trim());
  }
}
