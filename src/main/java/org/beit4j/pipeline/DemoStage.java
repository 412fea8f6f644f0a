package org.beit4j.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.beit4j.Beit4j;
import org.beit4j.eval.FineTuneConfig;
import org.beit4j.eval.FrozenEvalConfig;
import org.beit4j.eval.ResultsTable;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Provenance;
import org.beit4j.io.RunLayout;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.report.RunReport;
import org.beit4j.tokenizer.VqKdConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/beit4j demo}: the whole of BEiT v2 on Fashion-MNIST in one run directory (layout in
 * {@code docs/cli.md}): teacher, VQ-KD tokenizer, pixel k-means tokenizer, MIM pretraining against
 * each, the comparative evaluation and the report. With {@code resume} every stage whose artefact
 * is already in the directory is kept, and an interrupted pretraining continues from its newest
 * checkpoint.
 */
public final class DemoStage {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(DemoStage.class);

  /** Per-stage wall times, written next to the artefacts. */
  public static final String TIMES_FILE = "demo-times.properties";

  private static final int STAGES = 7;

  /**
   * A demo run.
   *
   * @param budget how much each stage does
   * @param out the run directory
   * @param seed seeds every stage
   * @param resume keep the stages already done in {@code out}
   * @param parallel run the pixel-token baseline (stages 3 and 5) on a second thread, alongside
   *     stages 1, 2 and 4; worth it with two or more cores
   */
  public record Options(DemoBudget budget, Path out, long seed, boolean resume, boolean parallel) {

    /** Validates every field. */
    public Options {
      Checks.notNull("budget", budget);
      Checks.notNull("out", out);
    }

    /**
     * A new run of {@code budget} into {@code out}, seed 42, the baseline alongside on 2+ cores.
     */
    public static Options of(DemoBudget budget, Path out) {
      return new Options(budget, out, 42, false, Runtime.getRuntime().availableProcessors() >= 2);
    }

    public Options withSeed(long v) {
      return new Options(budget, out, v, resume, parallel);
    }

    /** A copy that keeps the stages already done in {@code out} and runs the rest. */
    public Options withResume(boolean v) {
      return new Options(budget, out, seed, v, parallel);
    }

    public Options withParallel(boolean v) {
      return new Options(budget, out, seed, resume, v);
    }
  }

  /** The results table, the report and the wall time of each stage in seconds. */
  public record Result(
      Path dir, ResultsTable table, Path report, Map<String, Double> seconds, double teacherAcc) {}

  private DemoStage() {}

  /**
   * Runs (or, with {@code resume}, completes) the demo.
   *
   * @throws PipelineException when {@code out} already holds a run and {@code resume} is off, or a
   *     stage's inputs or outputs are not usable
   */
  public static Result run(Options o) {
    Path run = o.out();
    DemoBudget b = o.budget();
    if (!o.resume() && nonEmpty(run)) {
      throw new PipelineException(
          run
              + " already holds files: pass --resume to complete that run, or choose another --out");
    }
    OutputDir.check(run, 64L << 20, "the demo run");
    Map<String, Double> times = readTimes(run);
    log.info("demo '{}' in {}", b.name(), run.toAbsolutePath());

    Path teacherDir = new RunLayout(run).teacher();
    // The pixel-token baseline (e) needs neither the teacher nor the VQ-KD tokenizer: with a second
    // core it runs alongside stages 1, 2 and 4 on its own thread (ND4J runs ops on the calling
    // thread, one core each with OMP_NUM_THREADS=1).
    Runnable baseline = () -> pixelBaseline(b, o.seed(), run, times);
    ExecutorService side =
        o.parallel() ? Executors.newSingleThreadExecutor(DemoStage::thread) : null;
    Future<?> sideRun = side == null ? null : side.submit(loggingFailure(baseline));
    // between the teacher chain's stages: stop early if the baseline already failed
    Runnable sideCheck = () -> failFast(sideRun);
    try {
      teacherAndTokenizer(b, o.seed(), run, times, teacherDir, sideCheck); // stages 1, 2
      pretrain(4, RunLayout.PRETRAIN, new RunLayout(run).tokenizer(), b, o.seed(), run, times);
      if (sideRun == null) {
        baseline.run();
      } else {
        join(sideRun);
      }
    } finally {
      if (side != null) {
        stop(side);
      }
    }
    double teacherAcc = Artefacts.cnnTeacher(teacherDir).testAccuracy();

    ProbeStage.Options probe =
        new ProbeStage.Options(
            ProbeStage.demoSources(new RunLayout(run)),
            DataSource.FASHION_MNIST,
            FrozenEvalConfig.defaults()
                .withLimits(b.probeTrain(), b.probeTest())
                .withSeed(o.seed()),
            VisionTransformer.Pool.MEAN,
            b.fineTuneEpochs() == 0
                ? null
                : FineTuneConfig.defaults()
                    .withEpochs(b.fineTuneEpochs())
                    .withLimits(b.probeTrain(), b.probeTest())
                    .withSeed(o.seed()),
            new RunLayout(run).eval(),
            true);
    Path results = new RunLayout(run).eval().resolve(ResultsTable.CSV_FILE);
    // an interrupted evaluation keeps its finished rows and scores the rest
    stage(6, "evaluation", times, run, ProbeStage.complete(probe), () -> ProbeStage.run(probe));
    ResultsTable table = ResultsTable.load(results);

    RunReport.Result[] report = new RunReport.Result[1];
    stage(7, "report", times, run, false, () -> report[0] = RunReport.write(run));
    return new Result(run, table, report[0].markdown(), times, teacherAcc);
  }

  /**
   * Stages 1 and 2 alone (teacher, VQ-KD tokenizer) into {@code o.out()}, keeping what is there:
   * what MIM against the demo's tokens needs. {@link #run} with resume completes the folder.
   */
  static void runTokenizer(Options o) {
    OutputDir.check(o.out(), 64L << 20, "the demo run");
    Path teacherDir = new RunLayout(o.out()).teacher();
    teacherAndTokenizer(o.budget(), o.seed(), o.out(), readTimes(o.out()), teacherDir, () -> {});
  }

  /** Stages 1 and 2: teacher, VQ-KD tokenizer. */
  private static void teacherAndTokenizer(
      DemoBudget b,
      long seed,
      Path run,
      Map<String, Double> times,
      Path teacherDir,
      Runnable sideCheck) {
    stage(
        1,
        "teacher",
        times,
        run,
        done(teacherDir.resolve(Provenance.FILE_NAME)),
        () -> TeacherStage.run(TeacherStage.Options.of(b.teacher().withSeed(seed), teacherDir)));
    sideCheck.run();
    Path tokDir = new RunLayout(run).tokenizer();
    stage(
        2,
        "tokenizer",
        times,
        run,
        done(tokDir.resolve(Provenance.FILE_NAME)),
        () ->
            TokenizerStage.run(
                TokenizerStage.Options.vqkd(
                        TeacherSource.cnn(teacherDir).withLayerNorm(b.teacherNorm()),
                        tokenizer(b, seed),
                        tokDir)
                    .withEvalImages(b.probeTest())));
    sideCheck.run();
  }

  /** Stages 3 and 5: pixel k-means tokenizer, MIM against its tokens. */
  private static void pixelBaseline(DemoBudget b, long seed, Path run, Map<String, Double> times) {
    Path pixDir = new RunLayout(run).pixelTokenizer();
    stage(
        3,
        "pixel-tokenizer",
        times,
        run,
        done(pixDir.resolve(Provenance.FILE_NAME)),
        () ->
            TokenizerStage.run(
                TokenizerStage.Options.pixelKMeans(
                        tokenizer(b, seed), Math.min(b.probeTrain(), 2_000), pixDir)
                    .withEvalImages(b.probeTest())));
    pretrain(5, RunLayout.PRETRAIN_PIXEL, pixDir, b, seed, run, times);
  }

  /** MIM against the tokenizer in {@code tokDir}, into {@code run/name}, resuming if started. */
  private static void pretrain(
      int index,
      String name,
      Path tokDir,
      DemoBudget b,
      long seed,
      Path run,
      Map<String, Double> times) {
    Path dir = run.resolve(name);
    stage(
        index,
        name,
        times,
        run,
        done(RunLayout.backbone(dir).resolve(Pretrainer.BACKBONE_FILE)),
        () ->
            PretrainStage.run(
                PretrainStage.Options.of(tokDir, b.vit(), 1, 1, dir)
                    .withRun(r -> b.pretrain().withSeed(seed))
                    .withClsHeadLayer(b.clsHeadLayer())
                    .withResume(RunLayout.latestCheckpoint(dir).isPresent())));
  }

  /** The budget's tokenizer with the demo's seed. */
  private static VqKdConfig tokenizer(DemoBudget b, long seed) {
    return b.tokenizer().withRun(r -> r.withSeed(seed));
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "demo-pixel-baseline");
    t.setDaemon(true);
    return t;
  }

  /**
   * Interrupts the side thread if it still runs (the teacher chain failed) and waits for it, so no
   * stage keeps writing into the run directory after {@link #run} returns; pretraining stops at its
   * next step.
   */
  private static void stop(ExecutorService side) {
    side.shutdownNow();
    try {
      if (!side.awaitTermination(2, TimeUnit.MINUTES)) {
        log.warn("the pixel-token baseline is still running after 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code r}, logging its failure at once (the caller learns of it only between stages). */
  private static Runnable loggingFailure(Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException | Error e) {
        log.error(
            "the pixel-token baseline failed, the demo stops after the current stage: {}",
            e.getMessage());
        throw e;
      }
    };
  }

  /** Rethrows the side thread's failure if it has already ended with one; otherwise returns. */
  private static void failFast(Future<?> f) {
    if (f != null && f.isDone()) {
      join(f);
    }
  }

  /** Waits for the side thread, rethrowing what it threw. */
  private static void join(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted while waiting for the pixel-token baseline");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new PipelineException("the pixel-token baseline failed: " + e.getCause());
    }
  }

  /** Runs one stage unless it is already done, timing it into {@link #TIMES_FILE}. */
  private static void stage(
      int index,
      String name,
      Map<String, Double> times,
      Path run,
      boolean alreadyDone,
      Supplier<?> work) {
    if (alreadyDone) {
      log.info("[{}/{}] {}: already done in {}, kept", index, STAGES, name, run);
      return;
    }
    log.info("[{}/{}] {}", index, STAGES, name);
    long t0 = System.nanoTime();
    work.get();
    Stages.releaseNativeMemory();
    double s = (System.nanoTime() - t0) / 1e9;
    synchronized (times) { // the two threads' stages share the file
      times.merge(name, s, Double::sum); // a resumed stage adds to its earlier time
      writeTimes(run, times);
    }
    log.info("[{}/{}] {} done in {} s", index, STAGES, name, Math.round(s));
  }

  private static boolean done(Path file) {
    return Files.isRegularFile(file);
  }

  private static boolean nonEmpty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The stage times of an earlier (interrupted) run in {@code run}, or none. */
  public static Map<String, Double> readTimes(Path run) {
    Map<String, Double> times = new LinkedHashMap<>();
    Path f = run.resolve(TIMES_FILE);
    if (!Files.isRegularFile(f)) {
      return times;
    }
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      try {
        times.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
      } catch (RuntimeException e) {
        throw new PipelineException(
            f + ":" + (i + 1) + ": expected stage=seconds, got '" + line + "'; delete the file");
      }
    }
    return times;
  }

  private static void writeTimes(Path run, Map<String, Double> times) {
    StringBuilder sb = new StringBuilder("# wall seconds per demo stage\n");
    times.forEach(
        (k, v) ->
            sb.append(k).append('=').append(String.format(Locale.ROOT, "%.1f", v)).append('\n'));
    AtomicFiles.write(run.resolve(TIMES_FILE), tmp -> Files.writeString(tmp, sb.toString()));
  }
}
