package org.beit4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.io.MetricsCsv;
import org.beit4j.pretrain.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTableTest {

  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsWhatMetricsCsvWrites() {
    Path file = tmp.resolve("metrics.csv");
    try (MetricsCsv csv = MetricsCsv.open(file, StepMetrics.HEADER, 0)) {
      csv.row(1, 1e-3, 4.2, 2.1, Double.NaN, 0.25, Double.NaN, 3.5, 12);
      csv.row(2, 2e-3, 3.9, 1.9, Double.NaN, 0.5, Double.NaN, 2.5, 13);
    }
    MetricsTable t = MetricsTable.read(file);
    assertEquals(StepMetrics.HEADER, t.header());
    assertEquals(2, t.size());
    assertArrayEquals(new double[] {1, 2}, t.numbers("step"));
    assertArrayEquals(new double[] {2.1, 1.9}, t.numbers("mimLoss"), 1e-9);
    assertTrue(Double.isNaN(t.numbers("clsLoss")[1]));
    assertTrue(t.hasValues("mimAcc"));
    assertFalse(t.hasValues("clsAcc"), "a column of NaN has no values");
    assertFalse(t.hasValues("nope"));
  }

  @Test
  void quotedFieldsAndBlankCells() throws IOException {
    MetricsTable t =
        MetricsTable.read(
            write("r.csv", "name,description,x\na,\"one, two \"\"q\"\"\",\n\nb,c,0.5\n"));
    assertArrayEquals(new String[] {"one, two \"q\"", "c"}, t.text("description"));
    double[] x = t.numbers("x");
    assertTrue(Double.isNaN(x[0]));
    assertEquals(0.5, x[1]);
    assertEquals("description", t.firstPresent("loss", "description", "x"));
  }

  @Test
  void badNumberNamesFileLineAndColumn() throws IOException {
    Path f = write("m.csv", "step,loss\n1,0.5\n\n2,abc\n");
    MetricsTable t = MetricsTable.read(f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.numbers("loss"));
    assertEquals(f + ":4: column 'loss' has 'abc', which is not a number", e.getMessage());
  }

  @Test
  void wrongFieldCountNamesTheLine() throws IOException {
    Path f = write("m.csv", "step,loss,acc\n1,0.5,0.1\n2,0.4\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(f));
    assertTrue(
        e.getMessage().startsWith(f + ":3: expected 3 fields (step,loss,acc) but found 2"),
        e.getMessage());
  }

  @Test
  void otherErrorsNameTheFile() throws IOException {
    Path empty = write("e.csv", "");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(empty))
            .getMessage()
            .startsWith(empty + ":1: empty file"));
    Path twice = write("t.csv", "a,b,a\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(twice))
            .getMessage()
            .contains("column 'a' appears twice"));
    Path quote = write("q.csv", "a,b\n\"x,1\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> MetricsTable.read(quote))
            .getMessage()
            .startsWith(quote + ":2: unclosed quote"));
    MetricsTable t = MetricsTable.read(write("ok.csv", "a\n1\n"));
    assertEquals(
        tmp.resolve("ok.csv") + ": no column 'b'; the header has [a]",
        assertThrows(IllegalArgumentException.class, () -> t.numbers("b")).getMessage());
    Path none = tmp.resolve("none.csv");
    assertTrue(
        assertThrows(UncheckedIOException.class, () -> MetricsTable.read(none))
            .getMessage()
            .contains(none.toString()));
    assertEquals(List.of("a"), t.header());
  }
}
