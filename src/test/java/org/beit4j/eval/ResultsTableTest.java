package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {

  @TempDir Path tmp;

  private static ResultsTable sample() {
    return ResultsTable.empty()
        .with(new ProbeResult("pixels", "raw pixels (flattened)", 0.8425, 0.851, 1000, 500, 1.5))
        .with(
            new ResultsTable.Row(
                "beit-v2", "BEiT v2, teacher: CnnTeacher, \"built-in\"", 0.7, 0.6666, Double.NaN))
        .with(new ResultsTable.Row("random", "random | init", 0.31, Double.NaN, 0.0005))
        .withFinetune("beit-v2", 0.9);
  }

  @Test
  void markdownIsExact() {
    String expected =
        "| name | description | linear top-1 | k-NN top-1 | fine-tune top-1 |\n"
            + "| --- | --- | ---: | ---: | ---: |\n"
            + "| pixels | raw pixels (flattened) | 84.3% | 85.1% | — |\n"
            + "| beit-v2 | BEiT v2, teacher: CnnTeacher, \"built-in\" | 70.0% | 66.7% | 90.0% |\n"
            + "| random | random \\| init | 31.0% | — | 0.1% |\n";
    assertEquals(expected, sample().toMarkdown());
  }

  @Test
  void csvIsExactAndRoundTrips() throws Exception {
    String expected =
        "name,description,linear_top1,knn_top1,finetune_top1\n"
            + "pixels,raw pixels (flattened),0.8425,0.851,\n"
            + "beit-v2,\"BEiT v2, teacher: CnnTeacher, \"\"built-in\"\"\",0.7,0.6666,0.9\n"
            + "random,random | init,0.31,,0.0005\n";
    assertEquals(expected, sample().toCsv());
    sample().save(tmp.resolve("eval"));
    assertEquals(expected, Files.readString(tmp.resolve("eval/results.csv")));
    assertEquals(sample().toMarkdown(), Files.readString(tmp.resolve("eval/results.md")));
    ResultsTable back = ResultsTable.load(tmp.resolve("eval/results.csv"));
    assertEquals(sample(), back);
    assertTrue(Double.isNaN(back.rows().get(0).finetuneTop1()));
    try (var s = Files.list(tmp.resolve("eval"))) {
      assertEquals(
          List.of("results.csv", "results.csv.manifest.properties", "results.md"),
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left");
    }
  }

  @Test
  void rowFindsByNameAndFineTuningChangesOnlyThatRow() {
    ResultsTable t = sample();
    assertEquals(0.9, t.row("beit-v2").finetuneTop1());
    assertEquals(0.6666, t.row("beit-v2").knnTop1());
    assertEquals(0.31, t.row("random").linearTop1());
    assertEquals(0.0005, t.row("random").finetuneTop1());
    assertTrue(Double.isNaN(t.row("pixels").finetuneTop1()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.row("nope"));
    assertEquals("no row named nope in [pixels, beit-v2, random]", e.getMessage());
  }

  @Test
  void badInputGivesClearMessages() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ResultsTable.Row("x", "", 84.2, Double.NaN, Double.NaN));
    assertTrue(e.getMessage().contains("linearTop1 must be in [0, 1]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sample().with(new ResultsTable.Row("pixels", "", 0.1, 0.1, 0.1)));
    assertTrue(e.getMessage().contains("pixels appears twice"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> sample().withFinetune("nope", 0.5));
    assertTrue(e.getMessage().contains("no row named nope"), e.getMessage());
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "name,linear\npixels,0.5\n");
    e = assertThrows(IllegalArgumentException.class, () -> ResultsTable.load(bad));
    assertTrue(e.getMessage().contains("first line must be"), e.getMessage());
    Files.writeString(bad, ResultsTable.HEADER + "\npixels,raw,0.5,0.4\n");
    e = assertThrows(IllegalArgumentException.class, () -> ResultsTable.load(bad));
    assertTrue(e.getMessage().contains("record 2 has 4 fields"), e.getMessage());
    Files.writeString(bad, ResultsTable.HEADER + "\npixels,raw,0.5,abc,\n");
    e = assertThrows(IllegalArgumentException.class, () -> ResultsTable.load(bad));
    assertTrue(e.getMessage().contains("record 2"), e.getMessage());
    var missing =
        assertThrows(
            org.beit4j.io.ArtefactException.class,
            () -> ResultsTable.load(tmp.resolve("missing.csv")));
    assertTrue(missing.getMessage().contains("missing.csv: nothing there"), missing.getMessage());
    assertEquals(List.of(), ResultsTable.parse(ResultsTable.HEADER + "\n", "empty").rows());
  }
}
