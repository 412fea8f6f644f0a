package org.beit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Derived figures of a result and the two output formats. */
class BenchReportTest {

  private static final long MIB = 1024L * 1024L;

  static BenchResult result() {
    // medians of {300, 100, 200} = 200 ms; 20 GFLOP per step; GEMM 200 GFLOP/s
    return new BenchResult(
        "mim-demo",
        "MIM \"quoted\"",
        64,
        2,
        2,
        new double[] {300, 100, 200},
        20e9,
        200,
        new MemorySampler.Peaks(100 * MIB, 300 * MIB, 900 * MIB));
  }

  @Test
  void derivedFiguresComeFromTheMedian() {
    BenchResult r = result();
    assertEquals(200, r.medianMillis());
    assertEquals(320, r.imagesPerSecond(), 1e-9); // 64 images / 0.2 s
    assertEquals(100, r.achievedGflops(), 1e-9); // 20 GFLOP / 0.2 s
    assertEquals(0.5, r.mfu(), 1e-12);
    assertEquals(3, r.runs());
    assertThrows(
        IllegalArgumentException.class,
        () -> new BenchResult("x", "", 1, 1, 0, new double[0], 1, 1, null));
  }

  @Test
  void markdownRowHasEveryColumn() {
    assertEquals(
        "| mim-demo | MIM \"quoted\" | 64 | 2 | 200 | 320.0 | 20.00 | 100.0 | 200.0 | 50.0% | 100 | 300 | 900 |",
        BenchReport.row(result()).strip());
    assertEquals(
        14, BenchReport.tableHeader().lines().findFirst().orElseThrow().split("\\|").length);
  }

  @Test
  void jsonEscapesAndHoldsTheFigures() {
    BenchRun run = new BenchRun(2, 1, 1, 1, "OMP_NUM_THREADS=1", 1024, 200, List.of(result()), 42);
    String json = BenchReport.json(run);
    assertTrue(json.contains("\"step\": \"MIM \\\"quoted\\\"\""), json);
    assertTrue(json.contains("\"msPerStep\": 200.0000"), json);
    assertTrue(json.contains("\"stepMillis\": [300.0000, 100.0000, 200.0000]"), json);
    assertTrue(json.contains("\"gemmGflops\": 200.0000, \"mfu\": 0.5000"), json);
    assertTrue(json.contains("\"replicas\": 2, \"warmup\": 2, \"runs\": 3"), json);
    assertTrue(json.contains("\"peakOffHeapBytes\": " + 300 * MIB), json);
    assertTrue(json.contains("\"totalSeconds\": 42.0000"), json);
    assertEquals("null", BenchReport.number(Double.NaN));
    assertEquals("\"a\\\\b\\n\\u0001\"", BenchReport.quote("a\\b\n\u0001"));
    String md = BenchReport.markdown(run);
    assertTrue(md.contains("GEMM 1024^3 float at the start: 200.0 GFLOP/s"), md);
    assertTrue(md.contains("mim-demo 2/3"), md);
    assertTrue(md.contains("total: 42 s"), md);
  }
}
