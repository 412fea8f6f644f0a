package org.beit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainUtilsTest {

  @TempDir Path tmp;

  @Test
  void progressBarDrawsCountsPercentAndMetrics() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressBar bar = new ProgressBar("demo", 4, "img", out, 0)) {
      for (int i = 0; i < 4; i++) {
        bar.metric("loss", 1.0 / (i + 1)).step(8);
      }
      assertEquals(4, bar.done());
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(4, lines.length);
    assertTrue(lines[1].contains("2/4  50%"), lines[1]);
    assertTrue(lines[3].startsWith("demo [########################] 4/4 100%"), lines[3]);
    assertTrue(lines[3].endsWith("loss=0.2500"), lines[3]);
    assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", 0, "img"));
  }

  @Test
  void atomicWriteReplacesDirectoryOnlyOnSuccess() throws IOException {
    Path target = tmp.resolve("ckpt");
    AtomicFiles.write(
        target,
        dir -> {
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("a.txt"), "one");
        });
    assertEquals("one", Files.readString(target.resolve("a.txt")));

    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    dir -> {
                      Files.createDirectories(dir);
                      Files.writeString(dir.resolve("a.txt"), "half");
                      throw new IOException("No space left on device");
                    }));
    assertTrue(e.getMessage().contains(target.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("disk is full"), e.getMessage());
    assertEquals("one", Files.readString(target.resolve("a.txt")));
    try (var listing = Files.list(tmp)) {
      assertEquals(1, listing.count(), "no temporary leftovers");
    }

    AtomicFiles.write(
        target,
        dir -> {
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("a.txt"), "two");
        });
    assertEquals("two", Files.readString(target.resolve("a.txt")));
    assertFalse(Files.exists(tmp.resolve(".ckpt.old-" + ProcessHandle.current().pid())));
  }

  @Test
  void provenanceRoundTripsAndNamesMissingFile() {
    Provenance p =
        Provenance.of("teacher", "Cfg[a=1]", "fashion-mnist", 7, 120, Map.of("acc", "0.91"));
    p.save(tmp);
    Provenance q = Provenance.load(tmp);
    assertEquals(p, q);
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Provenance.load(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("provenance.properties"), e.getMessage());
  }
}
