package org.beit4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  private static final Pattern LINK = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)");

  /** Expected figures of a complete run and their sizes in pixels. */
  private static final Map<String, int[]> FULL =
      Map.of(
          "tokenizer-curves.png", new int[] {2 * 480 + 8, 2 * 300 + 8},
          "codebook-usage.png", new int[] {900, 400},
          // 4 examples, 2 image/map pairs per row: 4 x 112 px + 3 gaps of 6; 2 rows
          "token-maps.png", new int[] {4 * 112 + 3 * 6, 2 * 112 + 6},
          "pretrain-loss.png", new int[] {800, 400},
          "pretrain-accuracy.png", new int[] {800, 400},
          // 4 panels of 7 x 16 = 112 px per row, one row per example
          "mim-predictions.png", new int[] {4 * 112 + 3 * 6, 4 * 112 + 3 * 6},
          "mim-predictions-pixel.png", new int[] {4 * 112 + 3 * 6, 4 * 112 + 3 * 6},
          "results.png", new int[] {800, 400});

  @TempDir Path tmp;

  private static RunReport.Result full;
  private static String fullText;

  @BeforeAll
  static void writeFullReport() throws IOException {
    full = RunReport.write(TinyRun.get(), TinyRun.options());
    fullText = Files.readString(full.markdown());
  }

  static Set<String> links(String md) {
    Set<String> out = new TreeSet<>();
    Matcher m = LINK.matcher(md);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static Set<String> pngs(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return new TreeSet<>(
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).toList());
    }
  }

  @Test
  void completeRunGetsEveryFigureLinkedAndDecodable() throws IOException {
    Path folder = TinyRun.get().resolve(RunReport.FOLDER);
    assertEquals(folder.resolve(RunReport.FILE), full.markdown());
    assertTrue(Files.isRegularFile(full.markdown()));
    assertEquals(FULL.keySet(), pngs(folder), "PNG files written");
    assertEquals(pngs(folder), links(fullText), "every PNG linked, every link a PNG");
    assertEquals(new TreeSet<>(FULL.keySet()), new TreeSet<>(full.figures()));
    assertEquals(List.of(), full.skipped(), "nothing skipped on a complete run");
    for (Map.Entry<String, int[]> e : FULL.entrySet()) {
      BufferedImage img = ImageIO.read(folder.resolve(e.getKey()).toFile());
      assertNotNull(img, e.getKey() + " decodes");
      assertEquals(e.getValue()[0], img.getWidth(), e.getKey() + " width");
      assertEquals(e.getValue()[1], img.getHeight(), e.getKey() + " height");
    }
    // no temporary folder left beside the report
    try (Stream<Path> s = Files.list(TinyRun.get())) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".")).count());
    }
  }

  @Test
  void textStatesTeacherResultsHealthAndTimes() {
    assertTrue(fullText.contains("label-trained stand-in for CLIP"), fullText);
    assertTrue(fullText.contains("Test accuracy of the teacher's own classifier: **"), fullText);
    assertTrue(fullText.contains("| a | raw pixels | 71.0% |"), "results.md embedded");
    assertTrue(fullText.contains("of 64 codes used"), "codebook health");
    assertTrue(fullText.contains("| trainSeconds |"), "teacher wall time");
    assertTrue(fullText.contains("training steps (from metrics.csv)"), "tokenizer wall time");
    assertTrue(
        fullText.contains("| VQ-KD targets | " + TinyRun.PRETRAIN_STEPS + " |"),
        "last pretraining step");
    assertTrue(fullText.contains("chance is 1/K = 1.56%"), fullText);
  }

  @Test
  void partialRunSaysWhatIsMissing() throws IOException {
    Path run = TinyRun.copy(tmp.resolve("partial"), "teacher", "tokenizer");
    RunReport.Result r = RunReport.write(run, TinyRun.options());
    String md = Files.readString(r.markdown());
    assertEquals(
        Set.of("tokenizer-curves.png", "codebook-usage.png", "token-maps.png"),
        pngs(run.resolve(RunReport.FOLDER)));
    assertEquals(pngs(run.resolve(RunReport.FOLDER)), links(md));
    for (String missing :
        List.of(
            "missing `pretrain/metrics.csv`",
            "missing `pretrain-pixel/metrics.csv`",
            "missing `pretrain/final`",
            "missing `pretrain-pixel/final`, `pixel-tokenizer`",
            "missing `eval/results.md`",
            "missing `eval/results.csv`")) {
      assertTrue(md.contains(missing), "report says " + missing + ":\n" + md);
    }
    assertTrue(md.contains("| pretraining (VQ-KD targets) | `pretrain/` | **missing** |"), md);
    assertEquals(6, r.skipped().size(), r.skipped().toString());
  }

  @Test
  void corruptCsvIsNamedWithFileAndLine() throws IOException {
    Path run = TinyRun.copy(tmp.resolve("corrupt"), "teacher", "pretrain");
    Path csv = run.resolve("pretrain/metrics.csv");
    List<String> lines = Files.readAllLines(csv);
    String[] f = lines.get(2).split(",");
    f[3] = "oops"; // mimLoss
    lines.set(2, String.join(",", f));
    Files.write(csv, lines);
    String md = Files.readString(RunReport.write(run, TinyRun.options()).markdown());
    assertTrue(md.contains(csv.toString() + ":3: column 'mimLoss' has 'oops'"), md);
    assertFalse(Files.exists(run.resolve("report/pretrain-loss.png")));
  }

  @Test
  void notADirectoryIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RunReport.write(tmp.resolve("nothing-here")));
    assertTrue(e.getMessage().contains("nothing-here"), e.getMessage());
  }

  @Test
  void noImagesSkipsOnlyThePictureSections() throws IOException {
    Path run = TinyRun.copy(tmp.resolve("noimages"), "tokenizer");
    // a 3-channel set does not fit the grey tokenizer: said, not thrown
    ReportOptions opts =
        TinyRun.options().withImages(new org.beit4j.data.SyntheticImages(8, 3, 28, 28, 2, 1));
    RunReport.Result r = RunReport.write(run, opts);
    String md = Files.readString(r.markdown());
    assertTrue(md.contains("the tokenizer takes 1x28x28 images but synthetic"), md);
    assertEquals(Set.of("tokenizer-curves.png"), pngs(run.resolve(RunReport.FOLDER)));
  }
}
