package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Provenance;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pipeline.Artefacts;
import org.beit4j.pipeline.TokenizerStage;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * teacher -> tokenizer -> pretrain on tiny settings, in process, each stage reading the previous
 * one's directory; then a resume after a simulated kill, a refused resume, the exported backbone as
 * a SameDiff teacher, and the pixel k-means branch through the record entry points.
 */
class CliChainTest {

  @TempDir Path tmp;

  @Test
  void stagesChainThroughTheirDirectoriesAndResumeExactly() throws Exception {
    Path teacher = tmp.resolve("run/teacher");
    CliOptionsTest.Run t =
        CliOptionsTest.run(
            "teacher", "--preset", "test", "--test-limit", "500", "--out", teacher.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().startsWith("teacher: test accuracy 0."), t.out());
    assertEquals("teacher-cnn", Provenance.load(teacher).kind());
    assertEquals("256", Provenance.load(teacher).extra().get("config.trainLimit"));

    Path tok = tmp.resolve("run/tokenizer");
    CliOptionsTest.Run k =
        CliOptionsTest.run(
            "tokenizer",
            "--teacher",
            teacher.toString(),
            "--preset",
            "test",
            "--steps",
            "8",
            "--batch",
            "16",
            "--eval-images",
            "200",
            "--out",
            tok.toString());
    assertEquals(0, k.code(), k.err());
    assertTrue(k.out().matches("(?s)tokenizer \\(vqkd\\): codebook usage .* of 64 codes.*"));
    assertEquals(Artefacts.TokenizerKind.VQKD, Artefacts.tokenizerKind(tok));
    List<String> csv = Files.readAllLines(tok.resolve("metrics.csv"));
    assertEquals(String.join(",", TokenizerStage.METRICS_HEADER), csv.get(0));
    assertEquals(
        List.of("2", "4", "6", "8"), csv.subList(1, 5).stream().map(CliChainTest::first).toList());
    double firstDistill = Double.parseDouble(csv.get(1).split(",")[1]);
    double lastDistill = Double.parseDouble(csv.get(4).split(",")[1]);
    assertTrue(lastDistill < firstDistill, csv.toString());

    Path pre = tmp.resolve("run/pretrain");
    String[] pretrain = {
      "pretrain",
      "--tokenizer",
      tok.toString(),
      "--vit",
      "test",
      "--steps",
      "4",
      "--batch",
      "8",
      "--checkpoint-every",
      "2",
      "--out",
      pre.toString()
    };
    CliOptionsTest.Run p = CliOptionsTest.run(pretrain);
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().startsWith("pretrain: step 4 of 4 (4 this run"), p.out());
    VisionTransformer vt =
        VisionTransformer.load(pre.resolve("backbone/" + Pretrainer.BACKBONE_FILE));
    assertEquals(VitConfig.test(), vt.config());
    List<String> whole = Files.readAllLines(pre.resolve("metrics.csv"));
    assertEquals(5, whole.size());

    // the same command again is refused: the directory holds a run
    CliOptionsTest.Run again = CliOptionsTest.run(pretrain);
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already holds a pretraining run (final): pass --resume"));

    // "killed" after the checkpoint at step 2: resuming redoes steps 3 and 4 exactly
    AtomicFiles.deleteRecursively(pre.resolve("final"));
    AtomicFiles.deleteRecursively(pre.resolve("backbone"));
    CliOptionsTest.Run r = CliOptionsTest.run(append(pretrain, "--resume"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("pretrain: step 4 of 4 (2 this run"), r.out());
    List<String> resumed = Files.readAllLines(pre.resolve("metrics.csv"));
    assertEquals(5, resumed.size());
    for (int i = 1; i < 5; i++) {
      // every column but the last (images per second) is bit-identical
      assertArrayEquals(withoutSpeed(whole.get(i)), withoutSpeed(resumed.get(i)), "row " + i);
    }
    assertTrue(Files.isDirectory(pre.resolve("backbone")));

    // a resume with another shape is refused, naming what differs
    CliOptionsTest.Run other = CliOptionsTest.run(append(pretrain, "--resume", "--depth", "1"));
    assertEquals(1, other.code());
    assertTrue(other.err().contains("vit.depth: 2 vs 1"), other.err());
    assertTrue(other.err().contains("Resume with the flags of the original run"), other.err());
    try (Stream<Path> s = Files.list(pre)) {
      assertFalse(s.anyMatch(f -> f.getFileName().toString().startsWith(".")));
    }

    // the exported backbone serves as a SameDiff teacher for a new tokenizer
    Path tok2 = tmp.resolve("run/tokenizer-from-backbone");
    CliOptionsTest.Run s =
        CliOptionsTest.run(
            "tokenizer",
            "--samediff-teacher",
            pre.resolve("backbone").resolve(Pretrainer.BACKBONE_FILE).toString(),
            "--output",
            VisionTransformer.FEATURES,
            "--teacher-input-size",
            "28",
            "--teacher-channels",
            "1",
            "--preset",
            "test",
            "--steps",
            "2",
            "--batch",
            "8",
            "--eval-images",
            "50",
            "--out",
            tok2.toString());
    assertEquals(0, s.code(), s.err());
    VqKdTokenizer fromBackbone = VqKdTokenizer.load(tok2);
    assertEquals(VitConfig.test().width(), fromBackbone.config().teacherDim());
    assertTrue(Provenance.load(tok2).extra().get("teacher").startsWith("samediff:backbone.sd:"));
  }

  private static String first(String line) {
    return line.split(",", 2)[0];
  }

  private static String[] withoutSpeed(String row) {
    String[] cells = row.split(",");
    return Arrays.copyOf(cells, cells.length - 1);
  }

  private static String[] append(String[] args, String... more) {
    String[] out = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, out, args.length, more.length);
    return out;
  }
}
