package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.beit4j.config.VitConfig;
import org.beit4j.pipeline.OutputDir;
import org.beit4j.pipeline.PipelineException;
import org.beit4j.pipeline.PretrainStage;
import org.beit4j.pipeline.TokenizerStage;
import org.beit4j.train.Replicas;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's option handling, help and error messages; nothing here trains a model. */
class CliOptionsTest {

  @TempDir Path tmp;

  /** Output and exit code of one in-process run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Parses like {@link Main#execute} and returns the subcommand's object. */
  static <T> T parse(String... args) {
    CommandLine cl = Main.commandLine();
    ConfigDefaults.install(cl, args);
    return cl.parseArgs(args).subcommand().commandSpec().commandLine().getCommand();
  }

  @Test
  void configFileSetsDefaultsAndFlagsOverrideThem() throws Exception {
    Path cfg = tmp.resolve("run.properties");
    Files.writeString(
        cfg, "steps=5\nbatch=3\ncls-head=false\nvit=test\n--seed=9\ntokenizer=runs/t\n");
    PretrainCommand c = parse("pretrain", "--config", cfg.toString(), "--steps", "7");
    PretrainStage.Options o = c.options();
    assertEquals(7, o.run().steps()); // flag beats file
    assertEquals(3, o.run().batchSize()); // file beats built-in default 64
    assertFalse(o.clsHead());
    assertEquals(VitConfig.test(), o.vit());
    assertEquals(9, o.run().seed());
    assertEquals(Path.of("runs/t"), o.tokenizer());
    assertEquals(100, o.run().checkpointEvery()); // neither: built-in default
    assertEquals(new Schedule(1.5e-3, 1e-5, 0, 7), o.run().schedule()); // the paper's, 7 steps

    PretrainCommand on = parse("pretrain", "--config=" + cfg, "--cls-head");
    assertTrue(on.options().clsHead());
    PretrainCommand none = parse("pretrain");
    assertTrue(none.options().clsHead());
    assertEquals(1000, none.options().run().steps());
    assertEquals(0, none.options().clsHeadLayer());
    PretrainCommand layer = parse("pretrain", "--cls-head-layer", "2");
    assertEquals(2, layer.options().clsHeadLayer());
    PretrainCommand sized = parse("pretrain", "--width", "96", "--depth", "4", "--lr", "3e-3");
    assertEquals(VitConfig.mnist().withWidth(96).withDepth(4), sized.options().vit());
    assertEquals(3e-3, sized.options().run().schedule().learningRate(), 0);

    Path t = tmp.resolve("teacher.properties");
    Files.writeString(t, "epochs=4\nout=" + tmp.resolve("x") + "\n");
    TeacherCommand tc = parse("teacher", "--epochs", "2", "--config", t.toString());
    assertEquals(2, tc.options().config().epochs());
    assertEquals(tmp.resolve("x"), tc.options().out());
  }

  @Test
  void tokenizerArchitectureAndTeacherFlagsReachTheConfig() {
    TokenizerStage.Options plain = ((TokenizerCommand) parse("tokenizer")).options();
    TokenizerStage.Options o =
        ((TokenizerCommand)
                parse(
                    "tokenizer",
                    "--encoder-width=96",
                    "--encoder-depth=4",
                    "--decoder-width=128",
                    "--decoder-depth=2",
                    "--weight-decay=1e-4",
                    "--plain-vit",
                    "--teacher-norm"))
            .options();
    VitConfig e = o.config().encoder();
    assertEquals(96, e.width());
    assertEquals(4, e.depth());
    assertEquals(0, e.layerScaleInit());
    assertFalse(e.relPosBias());
    assertTrue(e.absPosEmbed());
    assertEquals(128, o.config().decoderWidth());
    assertEquals(2, o.config().decoderDepth());
    assertEquals(1e-4, o.config().run().optimizer().weightDecay());
    assertTrue(o.teacher().layerNorm());
    assertFalse(plain.teacher().layerNorm());
    assertEquals(
        plain.config().encoder(),
        new VitConfig(28, 4, 1, 64, 2, 2, 2.0, true, 0.1, false, true, 0.0));
    assertEquals(plain.config().run().optimizer(), o.config().run().optimizer().withWeightDecay(0));
  }

  @Test
  void badConfigFilesAreUsageErrorsNamingTheKey() throws Exception {
    Path cfg = tmp.resolve("bad.properties");
    Files.writeString(cfg, "steps=5\nstepz=6\n");
    Run r = run("pretrain", "--config", cfg.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("[stepz]"), r.err());
    assertTrue(r.err().contains("valid keys are [tokenizer, vit"), r.err());
    Run missing = run("tokenizer", "--config", tmp.resolve("none.properties").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("cannot read the config file"), missing.err());
  }

  @Test
  void helpOfEveryCommandListsItsOptions() {
    Run root = run("--help");
    assertEquals(0, root.code());
    for (String cmd : List.of("teacher", "tokenizer", "pretrain", "bench", "help")) {
      assertTrue(root.out().contains("  " + cmd + " "), cmd + " in\n" + root.out());
    }
    assertHelp("teacher", "--data", "--preset", "--epochs", "--seed", "--out", "--config");
    assertHelp(
        "tokenizer",
        "--teacher",
        "--onnx-teacher",
        "--onnx-preset",
        "--samediff-teacher",
        "--output",
        "--kind",
        "--preset",
        "--steps",
        "--batch",
        "--codebook-size",
        "--seed",
        "--out",
        "--config");
    assertHelp(
        "pretrain",
        "--tokenizer",
        "--vit",
        "--depth",
        "--steps",
        "--batch",
        "--[no-]cls-head",
        "--seed",
        "--out",
        "--resume",
        "--config");
  }

  private static void assertHelp(String cmd, String... options) {
    Run r = run(cmd, "--help");
    assertEquals(0, r.code(), r.err());
    for (String o : options) {
      assertTrue(r.out().contains(o), cmd + " --help lacks " + o + ":\n" + r.out());
    }
  }

  @Test
  void replicasOptionSetsTheDefaultOfEveryTrainingCommand() {
    int host =
        Math.max(
            1,
            Runtime.getRuntime().availableProcessors()
                / Math.max(1, org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads()));
    try {
      for (String cmd : List.of("teacher", "tokenizer", "pretrain", "probe", "demo")) {
        assertHelp(cmd, "--replicas");
        // probe's one required option
        List<String> args =
            cmd.equals("probe") ? List.of(cmd, "--source", "a=pixels") : List.of(cmd);
        List<String> three = new java.util.ArrayList<>(args);
        three.addAll(List.of("--replicas", "3"));
        parse(three.toArray(new String[0]));
        assertEquals(3, Replicas.defaultCount(), cmd);
        parse(args.toArray(new String[0]));
        assertEquals(host, Replicas.defaultCount(), cmd); // default 0 = the host's
      }
      Run bad = run("pretrain", "--replicas", "-1");
      assertEquals(2, bad.code());
      assertTrue(bad.err().contains("replicas must be >= 0"), bad.err());
    } finally {
      Replicas.setDefaultCount(0);
    }
  }

  @Test
  void invalidValuesAreUsageErrors() {
    Run kind = run("tokenizer", "--kind", "pixels", "--out", tmp.resolve("t").toString());
    assertEquals(2, kind.code());
    assertTrue(
        kind.err().contains("unknown tokenizer kind 'pixels'; valid kinds are vqkd, pixel-kmeans"),
        kind.err());
    Run two =
        run("tokenizer", "--teacher", "a", "--onnx-teacher", "b.onnx", "--out", tmp.toString());
    assertEquals(2, two.code());
    assertTrue(two.err().contains("only one of --teacher, --onnx-teacher"), two.err());
    Run noOutput = run("tokenizer", "--samediff-teacher", "g.sd");
    assertEquals(2, noOutput.code());
    assertTrue(noOutput.err().contains("--output"), noOutput.err());
    assertEquals(2, run("pretrain", "--steps", "many").code());
    assertEquals(2, run("pretrain", "--steps", "0").code());
    Run huge = run("teacher", "--preset", "huge");
    assertEquals(2, huge.code());
    assertTrue(
        huge.err().contains("unknown teacher preset 'huge'; valid names are [fashion-mnist, test]"),
        huge.err());
    Run vit = run("pretrain", "--tokenizer", "t", "--vit", "huge");
    assertEquals(2, vit.code());
    assertTrue(vit.err().contains("[mnist, test, tiny, small, base]"), vit.err());
    assertEquals(2, run("probe", "--pool", "max").code());
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  @Test
  void missingArtefactsNameThePathAndTheCommandThatMakesThem() {
    Path none = tmp.resolve("runs/x/teacher");
    Run t = run("tokenizer", "--teacher", none.toString(), "--out", tmp.resolve("tok").toString());
    assertEquals(1, t.code());
    assertTrue(
        t.err().contains("no CNN teacher in " + none + ": run `bin/beit4j teacher --out " + none),
        t.err());
    Path tok = tmp.resolve("runs/x/tokenizer");
    Run p = run("pretrain", "--tokenizer", tok.toString(), "--out", tmp.resolve("p").toString());
    assertEquals(1, p.code());
    assertTrue(
        p.err().contains("no tokenizer in " + tok + ": run `bin/beit4j tokenizer --teacher"),
        p.err());
    Run onnx =
        run(
            "tokenizer",
            "--onnx-teacher",
            tmp.resolve("clip.onnx").toString(),
            "--out",
            tmp.resolve("tok").toString());
    assertEquals(1, onnx.code());
    assertTrue(onnx.err().contains("no ONNX model at " + tmp.resolve("clip.onnx")), onnx.err());
    assertFalse(Files.exists(tmp.resolve("tok")));
    Run words =
        run("probe", "--source", "w=tokens:" + tok, "--out", tmp.resolve("eval").toString());
    assertEquals(1, words.code());
    assertTrue(words.err().contains("no tokenizer in " + tok), words.err());
    assertFalse(Files.exists(tmp.resolve("eval")), "nothing written before the check");
    Run kind = run("probe", "--source", "w=words:" + tok, "--out", tmp.resolve("eval").toString());
    assertEquals(2, kind.code(), kind.err());
    assertTrue(
        kind.err()
            .contains("unknown kind 'words' (one of pixels, random, teacher, backbone, tokens)"),
        kind.err());
  }

  @Test
  void probeResumeKeepsFinishedRowsAndRefusesOtherSettings() throws Exception {
    Path out = tmp.resolve("eval");
    String[] args = {
      "probe",
      "--source",
      "px=pixels",
      "--train-limit",
      "200",
      "--test-limit",
      "50",
      "--out",
      out.toString()
    };
    assertEquals(0, run(args).code());
    Path csv = out.resolve("results.csv");
    // mark the finished row: a resume must keep it, not score it again
    Files.writeString(csv, Files.readString(csv).replace(",0.", ",0.0001"));
    // an edited table fails its manifest's checksum; without the manifest it loads (with a warning)
    Files.delete(out.resolve("results.csv" + org.beit4j.io.Manifest.SIDECAR_SUFFIX));
    String marked = Files.readString(csv);
    String[] again = java.util.Arrays.copyOf(args, args.length + 1);
    again[args.length] = "--resume";
    Run same = run(again);
    assertEquals(0, same.code(), same.err());
    assertTrue(
        org.beit4j.eval.ResultsTable.load(csv).rows().get(0).linearTop1() < 0.01,
        Files.readString(csv));
    again[6] = "60"; // another --test-limit
    String before = Files.readString(csv);
    Run other = run(again);
    assertEquals(1, other.code(), other.err());
    assertTrue(other.err().contains("were made with other settings"), other.err());
    assertEquals(before, Files.readString(csv), "nothing rewritten");
    assertTrue(marked.contains(",0.0001"), marked);
  }

  @Test
  void unwritableOutputDirectoryFailsBeforeAnyWork() throws Exception {
    Path ro = Files.createDirectory(tmp.resolve("read-only"));
    ReadOnly.set(ro, true);
    try {
      // --data points nowhere: the output check must come first and report the directory
      Run r =
          run(
              "teacher",
              "--preset",
              "test",
              "--data",
              tmp.resolve("no-data").toString(),
              "--out",
              ro.resolve("teacher").toString());
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains("cannot write the output directory " + ro.resolve("teacher")));
      assertTrue(r.err().contains(ro + " is not writable"), r.err());
      assertTrue(r.err().contains("choose another --out"), r.err());
      assertEquals("", r.out());
    } finally {
      ReadOnly.set(ro, false);
    }
    try (Stream<Path> s = Files.list(ro)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void outputCheckNamesFilesInTheWayAndMissingDisk() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    PipelineException notDir =
        assertThrows(PipelineException.class, () -> OutputDir.check(file.resolve("out"), 1, "x"));
    assertTrue(notDir.getMessage().contains(file + " is a file, not a directory"));
    PipelineException disk =
        assertThrows(
            PipelineException.class,
            () -> OutputDir.check(tmp.resolve("out"), Long.MAX_VALUE / 4, "the tokenizer"));
    assertTrue(disk.getMessage().startsWith("not enough disk for the tokenizer in "));
    assertTrue(disk.getMessage().contains("is free there"), disk.getMessage());
    OutputDir.check(tmp.resolve("new/dir"), 1000, "x"); // creatable: no exception
    assertFalse(Files.exists(tmp.resolve("new")));
  }

  @Test
  void diskEstimatesGrowWithTheModel() {
    long tiny = TokenizerStage.estimateBytes(org.beit4j.tokenizer.VqKdConfig.test());
    long paper = TokenizerStage.estimateBytes(org.beit4j.tokenizer.VqKdConfig.paper());
    assertTrue(tiny > 1 << 20 && tiny < 3 << 20, "tiny " + tiny);
    // ViT-B encoder (86M) + 3-block decoder: some 110M floats, twice, 4 bytes each
    assertTrue(paper > 700_000_000L && paper < 1_200_000_000L, "paper " + paper);
    // ViT-B/16 has 86M parameters; the estimate is within 5%
    long vitB = OutputDir.vitParameters(org.beit4j.config.VitConfig.base());
    assertEquals(86e6, vitB, 86e6 * 0.05);
  }

  @Test
  void outOfMemoryGivesAdvice() {
    StringWriter err = new StringWriter();
    int code =
        Failures.report(
            new RuntimeException("op failed", new OutOfMemoryError("Java heap space")),
            new PrintWriter(err),
            "pretrain");
    assertEquals(1, code);
    assertTrue(err.toString().startsWith("beit4j pretrain: out of memory (Java heap space)"));
    assertTrue(err.toString().contains("BEIT4J_JAVA_MEM="), err.toString());
    assertTrue(err.toString().contains("smaller --batch"), err.toString());
  }
}
