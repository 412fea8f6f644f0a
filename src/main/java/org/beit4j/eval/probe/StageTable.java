package org.beit4j.eval.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.beit4j.eval.ProbeResult;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.CsvRecords;
import org.beit4j.io.Manifest;
import org.beit4j.viz.Charts;
import org.beit4j.viz.Png;

/**
 * What a {@link StageProbe} measured: one row per representation, in stage order. Shown in a
 * notebook as its Markdown ({@link #toString}); {@link #save} writes {@value #CSV_FILE}, {@value
 * #MD_FILE} and, when a backbone was probed, the per-layer plot {@value #PLOT_FILE}.
 *
 * @param rows the measured representations
 */
public record StageTable(List<Row> rows) {

  public static final String CSV_FILE = "stages.csv";
  public static final String MD_FILE = "stages.md";
  public static final String PLOT_FILE = "stage-layers.png";

  /** The artefact kind of a saved stage table (its manifest and error messages). */
  public static final String KIND = "stage-probes";

  /** Format version of {@value #CSV_FILE} (see {@link Manifest}). */
  public static final int FORMAT_VERSION = 1;

  public static final String HEADER =
      "stage,representation,dims,layer,readout,linear_top1,knn_top1,train_images,test_images,"
          + "description";

  /**
   * One measured representation.
   *
   * @param stage the stage it came from
   * @param representation what was probed
   * @param linearTop1 linear-probe top-1 in [0, 1]
   * @param knnTop1 k-NN top-1 in [0, 1]
   * @param trainImages images the probe and k-NN were fitted on
   * @param testImages images scored
   */
  public record Row(
      String stage,
      Representation representation,
      double linearTop1,
      double knnTop1,
      int trainImages,
      int testImages) {

    /** Validates every field. */
    public Row {
      if (stage == null || representation == null) {
        throw new IllegalArgumentException("stage and representation must be given");
      }
      for (double v : new double[] {linearTop1, knnTop1}) {
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException(
              representation.name() + ": accuracies must be in [0, 1], got " + v);
        }
      }
    }

    /** The row of {@code r}, measured on {@code representation} of {@code stage}. */
    public static Row of(String stage, Representation representation, ProbeResult r) {
      return new Row(
          stage, representation, r.linearTop1(), r.knnTop1(), r.trainImages(), r.testImages());
    }
  }

  /** Copies the rows. */
  public StageTable {
    rows = List.copyOf(rows);
  }

  /** A copy with {@code row} appended. */
  public StageTable with(Row row) {
    List<Row> out = new ArrayList<>(rows);
    out.add(row);
    return new StageTable(out);
  }

  /** The row of the representation called {@code name}. */
  public Row row(String name) {
    return rows.stream()
        .filter(r -> r.representation().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no representation '" + name + "'"));
  }

  /** The rows of {@code stage} that read a backbone layer with {@code readout}, layer 1 first. */
  public List<Row> layers(String stage, Representation.Readout readout) {
    return rows.stream()
        .filter(r -> r.stage().equals(stage) && r.representation().readout() == readout)
        .sorted((a, b) -> Integer.compare(a.representation().layer(), b.representation().layer()))
        .toList();
  }

  /** The stages that have per-layer rows, in table order. */
  public List<String> layeredStages() {
    return rows.stream()
        .filter(r -> r.representation().layer() > 0)
        .map(Row::stage)
        .distinct()
        .toList();
  }

  /** A GitHub Markdown table: representation, dims, linear and k-NN top-1 in percent. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    if (!rows.isEmpty()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Linear probe and k-NN top-1, %,d training / %,d test images.%n%n",
              rows.get(0).trainImages(),
              rows.get(0).testImages()));
    }
    sb.append("| stage | representation | dims | linear top-1 | k-NN top-1 | what |\n");
    sb.append("| --- | --- | ---: | ---: | ---: | --- |\n");
    for (Row r : rows) {
      Representation p = r.representation();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %.1f%% | %.1f%% | %s |%n",
              cell(r.stage()),
              cell(p.name()),
              p.dims(),
              100 * r.linearTop1(),
              100 * r.knnTop1(),
              cell(p.description())));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return toMarkdown();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** The CSV text: {@link #HEADER}, then one line per row, fractions exact. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Row r : rows) {
      Representation p = r.representation();
      List<String> f =
          List.of(
              r.stage(),
              p.name(),
              Integer.toString(p.dims()),
              Integer.toString(p.layer()),
              p.readout().name(),
              number(r.linearTop1()),
              number(r.knnTop1()),
              Integer.toString(r.trainImages()),
              Integer.toString(r.testImages()),
              p.description());
      sb.append(String.join(",", f.stream().map(StageTable::csvCell).toList())).append('\n');
    }
    return sb.toString();
  }

  private static String csvCell(String s) {
    boolean quote = s.contains(",") || s.contains("\"") || s.contains("\n");
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String number(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * Writes {@value #CSV_FILE}, {@value #MD_FILE} and (if a backbone's layers were probed) {@value
   * #PLOT_FILE} into {@code dir}, each atomically.
   *
   * @return the files written
   */
  public List<Path> save(Path dir) {
    List<Path> out = new ArrayList<>();
    Path csv = dir.resolve(CSV_FILE);
    try {
      Manifest.deleteSidecar(csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.add(AtomicFiles.write(csv, tmp -> Files.writeString(tmp, toCsv(), StandardCharsets.UTF_8)));
    Manifest.writeFile(csv, KIND, FORMAT_VERSION);
    out.add(
        AtomicFiles.write(
            dir.resolve(MD_FILE),
            tmp -> Files.writeString(tmp, toMarkdown(), StandardCharsets.UTF_8)));
    if (!layeredStages().isEmpty()) {
      out.add(Png.write(Charts.toImage(LayerPlot.of(this)), dir.resolve(PLOT_FILE)));
    }
    return out;
  }

  /**
   * Reads a {@value #CSV_FILE} written by {@link #save} (the file or its directory), checking its
   * manifest.
   *
   * @throws org.beit4j.io.ArtefactException naming the file (and record) if it is missing,
   *     truncated, corrupted or not such a table
   */
  public static StageTable load(Path csv) {
    return Manifest.load(
        csv,
        KIND,
        FORMAT_VERSION,
        false,
        CSV_FILE,
        f -> {
          return parse(CsvRecords.readComplete(f), f);
        });
  }

  private static StageTable parse(String text, Path csv) {
    List<List<String>> records = CsvRecords.parse(text, csv.toString());
    if (records.isEmpty() || !String.join(",", records.get(0)).equals(HEADER)) {
      throw new IllegalArgumentException(
          csv + " is not a stage table: the first line must be '" + HEADER + "'");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      List<String> f = records.get(i);
      try {
        if (f.size() != 10) {
          throw new IllegalArgumentException(f.size() + " fields, expected 10");
        }
        Representation p =
            new Representation(
                f.get(1),
                f.get(9),
                Integer.parseInt(f.get(2)),
                Integer.parseInt(f.get(3)),
                Representation.Readout.valueOf(f.get(4)));
        rows.add(
            new Row(
                f.get(0),
                p,
                Double.parseDouble(f.get(5)),
                Double.parseDouble(f.get(6)),
                Integer.parseInt(f.get(7)),
                Integer.parseInt(f.get(8))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(csv + " record " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new StageTable(rows);
  }
}
