package org.beit4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.beit4j.viz.Png;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Markdown report being written into a folder: text, PNG figures next to it, and notes on what
 * could not be drawn. A figure that fails is not fatal: its place in the text says why, so a report
 * of a partial or damaged run still shows everything else.
 */
final class ReportDocument {

  private static final Logger log = LoggerFactory.getLogger(ReportDocument.class);

  private final Path runDir;
  private final Path folder;
  private final StringBuilder md = new StringBuilder();
  private final List<String> figures = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();

  ReportDocument(Path runDir, Path folder) {
    this.runDir = runDir;
    this.folder = folder;
  }

  ReportDocument heading(int level, String text) {
    md.append("\n").append("#".repeat(level)).append(' ').append(text).append("\n\n");
    return this;
  }

  ReportDocument line(String text) {
    md.append(text).append('\n');
    return this;
  }

  ReportDocument paragraph(String text) {
    md.append(text).append("\n\n");
    return this;
  }

  /** Whether every path (relative to the run directory) exists; if not, notes what is missing. */
  boolean require(String what, String... paths) {
    List<String> missing = new ArrayList<>();
    for (String p : paths) {
      if (!Files.exists(runDir.resolve(p))) {
        missing.add("`" + p + "`");
      }
    }
    if (missing.isEmpty()) {
      return true;
    }
    skip(what, "missing " + String.join(", ", missing));
    return false;
  }

  /** Notes that {@code what} is not in the report and why. */
  void skip(String what, String why) {
    String note = what + " skipped: " + why + ".";
    skipped.add(note);
    paragraph("> " + note);
    log.info("report: {}", note);
  }

  /**
   * Draws a figure into {@code file} and links it with {@code caption}; on failure notes the error
   * instead.
   *
   * @return whether the figure was written
   */
  boolean figure(String file, String caption, Supplier<BufferedImage> draw) {
    long start = System.nanoTime();
    try {
      BufferedImage img = draw.get();
      Png.write(img, folder.resolve(file));
      figures.add(file);
      paragraph("![" + caption + "](" + file + ")");
      log.info(
          "report: {} ({}x{}) in {} ms",
          file,
          img.getWidth(),
          img.getHeight(),
          (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (RuntimeException e) {
      log.warn("report: {} not drawn", file, e);
      skip(caption, "could not be drawn: " + message(e));
      return false;
    }
  }

  /** The message of an error and its causes, for a note. */
  static String message(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (parts.stream().noneMatch(p -> p.contains(m))) {
        parts.add(m);
      }
    }
    return String.join(": ", parts).replace('\n', ' ');
  }

  /** The path of {@code p} relative to the run directory, for the text. */
  String relative(Path p) {
    return runDir.toAbsolutePath().relativize(p.toAbsolutePath()).toString();
  }

  List<String> figures() {
    return List.copyOf(figures);
  }

  List<String> skipped() {
    return List.copyOf(skipped);
  }

  String markdown() {
    return md.toString();
  }
}
