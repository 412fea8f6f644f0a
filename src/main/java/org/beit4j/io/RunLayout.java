package org.beit4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one place for the folder and file names of a run directory ({@code runs/<timestamp>/} of
 * {@code bin/beit4j demo}) and of a pretraining folder inside it. Every stage, the report and the
 * demo resolve paths through this record, never through string literals.
 *
 * <pre>
 * run/
 *   teacher/            CNN teacher             (bin/beit4j teacher)
 *   tokenizer/          VQ-KD tokenizer         (bin/beit4j tokenizer)
 *   pixel-tokenizer/    pixel k-means baseline  (bin/beit4j tokenizer --kind pixel-kmeans)
 *   pretrain/           MIM on VQ-KD codes      (bin/beit4j pretrain)
 *     metrics.csv  checkpoint-00000250/  final/  backbone/backbone.sd
 *   pretrain-pixel/     MIM on pixel codes
 *   eval/               results.csv, results.md (bin/beit4j probe)
 *     stages/           stages.csv, stages.md, stage-layers.png (bin/beit4j probe-stages)
 *   report/             report.md and pictures
 * </pre>
 *
 * @param root the run directory
 */
public record RunLayout(Path root) {

  public static final String TEACHER = "teacher";
  public static final String TOKENIZER = "tokenizer";
  public static final String PIXEL_TOKENIZER = "pixel-tokenizer";
  public static final String PRETRAIN = "pretrain";
  public static final String PRETRAIN_PIXEL = "pretrain-pixel";
  public static final String EVAL = "eval";
  public static final String REPORT = "report";

  /** Inside {@code eval/}: the stage-by-stage probes. */
  public static final String STAGE_PROBE = "stages";

  /** Inside a pretraining folder: the last state, written when the run finishes. */
  public static final String FINAL = "final";

  /** Inside a pretraining folder: the exported backbone. */
  public static final String BACKBONE = "backbone";

  /** Inside a pretraining folder: the prefix of periodic checkpoints. */
  public static final String CHECKPOINT_PREFIX = "checkpoint-";

  /** A stage's metrics, one row per logged step. */
  public static final String METRICS = "metrics.csv";

  /** Validates the root. */
  public RunLayout {
    if (root == null) {
      throw new IllegalArgumentException("root must be given");
    }
  }

  public Path teacher() {
    return root.resolve(TEACHER);
  }

  public Path tokenizer() {
    return root.resolve(TOKENIZER);
  }

  public Path pixelTokenizer() {
    return root.resolve(PIXEL_TOKENIZER);
  }

  /** MIM against the VQ-KD tokens. */
  public Path pretrain() {
    return root.resolve(PRETRAIN);
  }

  /** MIM against the pixel k-means tokens. */
  public Path pretrainPixel() {
    return root.resolve(PRETRAIN_PIXEL);
  }

  public Path eval() {
    return root.resolve(EVAL);
  }

  /** {@code eval/stages}: the stage-by-stage probe table and per-layer plot. */
  public Path stageProbe() {
    return eval().resolve(STAGE_PROBE);
  }

  public Path report() {
    return root.resolve(REPORT);
  }

  /** The stage folders in the order the demo makes them. */
  public List<String> stageFolders() {
    return List.of(TEACHER, TOKENIZER, PIXEL_TOKENIZER, PRETRAIN, PRETRAIN_PIXEL, EVAL);
  }

  /** {@code pretrainDir/final}. */
  public static Path finalCheckpoint(Path pretrainDir) {
    return pretrainDir.resolve(FINAL);
  }

  /** {@code pretrainDir/backbone}. */
  public static Path backbone(Path pretrainDir) {
    return pretrainDir.resolve(BACKBONE);
  }

  /** {@code pretrainDir/metrics.csv} (also a tokenizer's). */
  public static Path metrics(Path stageDir) {
    return stageDir.resolve(METRICS);
  }

  /** The periodic checkpoint of {@code step}: {@code checkpoint-00000250}. */
  public static Path checkpoint(Path pretrainDir, long step) {
    return pretrainDir.resolve(String.format("%s%08d", CHECKPOINT_PREFIX, step));
  }

  /** Whether {@code name} is a periodic checkpoint's folder name. */
  public static boolean isCheckpoint(String name) {
    return name.startsWith(CHECKPOINT_PREFIX);
  }

  /** The periodic checkpoints in {@code pretrainDir}, oldest first (none if it does not exist). */
  public static List<Path> checkpoints(Path pretrainDir) {
    if (!Files.isDirectory(pretrainDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(pretrainDir)) {
      return s.filter(Files::isDirectory)
          .filter(p -> isCheckpoint(p.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + pretrainDir, e);
    }
  }

  /**
   * Where a pretraining run in {@code pretrainDir} resumes from: {@code final/} if it exists, else
   * the newest periodic checkpoint, else nothing.
   */
  public static Optional<Path> latestCheckpoint(Path pretrainDir) {
    if (Files.isDirectory(finalCheckpoint(pretrainDir))) {
      return Optional.of(finalCheckpoint(pretrainDir));
    }
    List<Path> all = checkpoints(pretrainDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }
}
