package org.beit4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.beit4j.eval.ResultsTable;
import org.beit4j.eval.probe.LayerPlot;
import org.beit4j.eval.probe.StageTable;
import org.beit4j.io.Provenance;
import org.beit4j.io.RunLayout;
import org.beit4j.viz.Charts;

/** The report's text sections read from provenance files and tables (no model is loaded here). */
final class RunSections {

  private static final String RESULTS_MD = RunLayout.EVAL + "/" + ResultsTable.MD_FILE;
  private static final String RESULTS_CSV = RunLayout.EVAL + "/" + ResultsTable.CSV_FILE;

  /** Provenance keys that hold a duration. */
  static final Pattern TIME_KEY = Pattern.compile("(?i).*(seconds|minutes|wall|duration).*");

  private RunSections() {}

  static void teacher(Path run, ReportDocument doc) {
    doc.heading(2, "Teacher");
    Provenance p = provenance(run, doc, RunLayout.TEACHER);
    if (p == null) {
      return;
    }
    String acc = p.extra().get("testAccuracy");
    if (acc != null) {
      try {
        doc.paragraph(
            String.format(
                Locale.ROOT,
                "Test accuracy of the teacher's own classifier: **%.1f%%**.",
                100 * Double.parseDouble(acc)));
      } catch (NumberFormatException e) {
        doc.paragraph("Test accuracy of the teacher's own classifier: `" + acc + "`.");
      }
    }
    doc.paragraph(
        "The teacher (`"
            + p.kind()
            + "`) is a label-trained stand-in for CLIP: BEiT v2 distils the patch features of"
            + " CLIP-B/16, trained on 400M image-text pairs; this one is a small CNN trained on the"
            + " class labels of the training split. Its features carry label information, so this"
            + " pipeline is not purely self-supervised and the numbers below are not comparable"
            + " with the paper's.");
  }

  /**
   * A table of the artefact's provenance (kind, data, steps, seed, extras but its config), or a
   * skip note.
   *
   * @return the provenance, or null
   */
  static Provenance provenance(Path run, ReportDocument doc, String dir) {
    String what = "Provenance of `" + dir + "`";
    if (!doc.require(what, dir + "/" + Provenance.FILE_NAME)) {
      return null;
    }
    Provenance p;
    try {
      p = Provenance.load(run.resolve(dir));
    } catch (RuntimeException e) {
      doc.skip(what, ReportDocument.message(e));
      return null;
    }
    doc.line("| " + dir + " | |").line("| --- | --- |");
    doc.line("| kind | " + cell(p.kind()) + " |");
    doc.line("| data | " + cell(p.data()) + " |");
    doc.line("| steps | " + p.steps() + " |");
    doc.line("| seed | " + p.seed() + " |");
    doc.line("| created | " + cell(p.created()) + " |");
    p.extra()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("config.")) {
                doc.line("| " + cell(k) + " | " + cell(v) + " |");
              }
            });
    doc.line("");
    return p;
  }

  /** The last logged step of each pretraining run. */
  static void lastSteps(Map<String, MetricsTable> runs, ReportDocument doc) {
    doc.line("| targets | steps | MIM loss | MIM accuracy | [CLS] accuracy |")
        .line("| --- | --- | --- | --- | --- |");
    for (Map.Entry<String, MetricsTable> e : runs.entrySet()) {
      MetricsTable t = e.getValue();
      if (t.size() == 0) {
        doc.line("| " + e.getKey() + " | 0 | | | |");
        continue;
      }
      int last = t.size() - 1;
      doc.line(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %s | %s | %s |",
              e.getKey(),
              t.numbers("step")[last],
              number(t, "mimLoss", last, 1),
              number(t, "mimAcc", last, 100),
              number(t, "clsAcc", last, 100)));
    }
    doc.line("");
  }

  static void results(Path run, ReportDocument doc) {
    doc.heading(2, "Results");
    if (doc.require("Results table", RESULTS_MD)) {
      try {
        doc.paragraph(Files.readString(run.resolve(RESULTS_MD), StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        doc.skip("Results table", "could not read `eval/results.md`: " + e.getMessage());
      }
    }
    if (doc.require("Results chart", RESULTS_CSV)) {
      doc.figure(
          "results.png",
          "Linear-probe, k-NN and (where run) fine-tuning top-1 accuracy per feature extractor",
          () ->
              Charts.toImage(
                  CurveFigures.results(MetricsTable.read(run.resolve(RESULTS_CSV))), 800, 400));
    }
  }

  /**
   * The stage-by-stage probes of {@code bin/beit4j probe-stages}, if the run has them: the table
   * and the per-layer plot (drawn again from the CSV). Nothing, not even a skip note, otherwise.
   */
  static void stageProbes(Path run, ReportDocument doc) {
    Path dir = new RunLayout(run).stageProbe();
    Path md = dir.resolve(StageTable.MD_FILE);
    Path csv = dir.resolve(StageTable.CSV_FILE);
    if (!Files.isRegularFile(md) && !Files.isRegularFile(csv)) {
      return;
    }
    doc.heading(3, "Stage-by-stage probes");
    String rel = RunLayout.EVAL + "/" + RunLayout.STAGE_PROBE + "/";
    if (doc.require("Stage-by-stage probe table", rel + StageTable.MD_FILE)) {
      try {
        doc.paragraph(Files.readString(md, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        doc.skip("Stage-by-stage probe table", "could not read " + md + ": " + e.getMessage());
      }
    }
    if (doc.require("Probe per layer", rel + StageTable.CSV_FILE)) {
      StageTable t;
      try {
        t = StageTable.load(csv);
      } catch (RuntimeException e) {
        doc.skip("Probe per layer", ReportDocument.message(e));
        return;
      }
      if (!t.layeredStages().isEmpty()) {
        doc.figure(
            StageTable.PLOT_FILE,
            "Linear probe and k-NN of the backbone at every layer, [CLS] and patch mean",
            () -> Charts.toImage(LayerPlot.of(t), 800, 400));
      }
    }
  }

  /** Durations found in the provenance files of the run, and the tokenizer's summed step times. */
  static void wallTimes(Path run, ReportDocument doc) {
    doc.heading(2, "Wall times");
    doc.line("| artefact | what | value |").line("| --- | --- | --- |");
    int rows = 0;
    for (Path dir : provenanceDirs(run)) {
      try {
        Provenance p = Provenance.load(dir);
        for (Map.Entry<String, String> e : p.extra().entrySet()) {
          if (TIME_KEY.matcher(e.getKey()).matches()) {
            doc.line(
                "| `"
                    + doc.relative(dir)
                    + "` | "
                    + cell(e.getKey())
                    + " | "
                    + cell(e.getValue())
                    + " |");
            rows++;
          }
        }
      } catch (RuntimeException e) {
        // a damaged provenance file is reported in its own section
      }
    }
    Path csv = RunLayout.metrics(new RunLayout(run).tokenizer());
    if (Files.isRegularFile(csv)) {
      try {
        MetricsTable t = MetricsTable.read(csv);
        if (t.hasValues("msPerStep") && t.size() > 1) {
          // each row averages the steps since the previous logged step
          double[] step = t.numbers("step");
          double[] ms = t.numbers("msPerStep");
          double total = 0;
          for (int i = 0; i < ms.length; i++) {
            double steps = i == 0 ? step[0] : step[i] - step[i - 1];
            total += Double.isFinite(ms[i]) ? ms[i] * steps : 0;
          }
          doc.line(
              String.format(
                  Locale.ROOT,
                  "| `tokenizer` | training steps (from metrics.csv) | %.1f s |",
                  total / 1000));
          rows++;
        }
      } catch (RuntimeException e) {
        // reported with the tokenizer curves
      }
    }
    doc.line("");
    if (rows == 0) {
      doc.paragraph("No wall times were recorded in this run's provenance files.");
    }
  }

  private static List<Path> provenanceDirs(Path run) {
    try (Stream<Path> s = Files.walk(run, 3)) {
      return s.filter(p -> p.getFileName().toString().equals(Provenance.FILE_NAME))
          .map(Path::getParent)
          .filter(d -> !run.relativize(d).toString().startsWith(RunReport.FOLDER))
          .filter(
              d ->
                  Arrays.stream(run.relativize(d).toString().split("/"))
                      .noneMatch(n -> n.startsWith(".") || RunLayout.isCheckpoint(n)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String number(MetricsTable t, String column, int row, double scale) {
    if (!t.has(column)) {
      return "";
    }
    double v = t.numbers(column)[row];
    return Double.isFinite(v)
        ? String.format(Locale.ROOT, scale == 100 ? "%.1f%%" : "%.4f", v * scale)
        : "";
  }

  /** Text safe inside a Markdown table cell. */
  static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
