package org.beit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RunFilesTest {

  @TempDir Path tmp;

  @Test
  void configRoundTripsThroughPropertiesAndDiffsNameFields() throws IOException {
    PretrainConfig cfg = PretrainConfig.of(VitConfig.mnist(), 512, 1000, 64);
    Path file = tmp.resolve("c.properties");
    RecordProperties.save(cfg, file);
    Map<String, String> flat = RecordProperties.load(file);
    assertEquals("6", flat.get("vit.depth"));
    assertEquals("19", flat.get("masking.numMasked"));
    assertEquals(cfg, RecordProperties.unflatten(PretrainConfig.class, flat));
    PretrainConfig other = PretrainConfig.of(VitConfig.mnist().withDepth(4), 512, 1000, 64);
    List<String> diff = RecordProperties.differences(flat, RecordProperties.flatten(other));
    assertEquals(List.of("clsHeadLayer: 5 vs 3", "vit.depth: 6 vs 4"), diff);
    flat.put("vit.heads", "5");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordProperties.unflatten(PretrainConfig.class, flat));
    assertTrue(e.getMessage().contains("heads 5"), e.getMessage());
  }

  @Test
  void metricsCsvKeepsRowsUpToTheResumedStep() {
    Path csv = tmp.resolve("m.csv");
    try (MetricsCsv m = MetricsCsv.open(csv, List.of("step", "loss"), 0)) {
      for (int s = 1; s <= 5; s++) {
        m.row(s, 1.0 / s);
      }
    }
    try (MetricsCsv m = MetricsCsv.open(csv, List.of("step", "loss"), 3)) {
      m.row(4, 0.3);
    }
    List<String> lines = readLines(csv);
    assertEquals(
        List.of("step,loss", "1,1.00000", "2,0.500000", "3,0.333333", "4,0.300000"), lines);
  }

  @Test
  void namedArraysAreExactAndRejectOtherFiles() throws IOException {
    INDArray a = Nd4j.rand(3, 4);
    INDArray b = Nd4j.createFromArray(1, 2, 3);
    Path f = tmp.resolve("a.bin");
    NamedArrays.write(f, new java.util.LinkedHashMap<>(Map.of("x/w", a, "x/n", b)));
    Map<String, INDArray> back = NamedArrays.read(f);
    assertEquals(a, back.get("x/w"));
    assertEquals(b, back.get("x/n"));
    Files.writeString(tmp.resolve("bad.bin"), "hello");
    assertThrows(IOException.class, () -> NamedArrays.read(tmp.resolve("bad.bin")));
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
