package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.pipeline.DemoBudget;
import org.beit4j.pipeline.DemoStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/beit4j demo}'s flags: they become {@link DemoStage.Options}; usage errors. The recipe
 * itself is tested through the pipeline API ({@code pipeline.DemoStageTest}).
 */
class DemoCommandTest {

  @TempDir Path tmp;

  @Test
  void flagsBecomeTheRecipesOptions() {
    DemoCommand c =
        CliOptionsTest.parse(
            "demo", "--preset", "test", "--out", tmp.toString(), "--seed", "3", "--sequential");
    DemoStage.Options o = c.options();
    assertEquals(DemoBudget.test(), o.budget());
    assertEquals(tmp, o.out());
    assertEquals(3, o.seed());
    assertEquals(false, o.parallel());
    assertEquals(false, o.resume());
  }

  @Test
  void resumeWithoutOutUnknownPresetAndAFullDirectoryAreRefused() throws Exception {
    assertEquals(2, CliOptionsTest.run("demo", "--resume").code());
    CliOptionsTest.Run bad =
        CliOptionsTest.run("demo", "--preset", "huge", "--out", tmp.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("huge"), bad.err());
    assertTrue(bad.err().contains("[quick, full, test]"), bad.err());
    var e = assertThrows(IllegalArgumentException.class, () -> DemoBudget.PRESETS.get("nope"));
    assertEquals("unknown demo preset 'nope'; valid names are [quick, full, test]", e.getMessage());

    Files.writeString(tmp.resolve("something"), "x");
    CliOptionsTest.Run full =
        CliOptionsTest.run("demo", "--preset", "test", "--out", tmp.toString());
    assertEquals(1, full.code());
    assertTrue(full.err().contains("pass --resume"), full.err());
  }
}
