package org.beit4j.pipeline;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.beit4j.io.Provenance;
import org.beit4j.io.RunLayout;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainCheckpoint;
import org.beit4j.pretrain.PretrainModel;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;

/**
 * Reads the artefacts one stage leaves for the next, by path, with messages that name the path and
 * the command that makes what is missing.
 */
public final class Artefacts {

  /** Files that mark a VQ-KD tokenizer directory (written by {@link VqKdTokenizer#save}). */
  static final String VQKD_CONFIG = "vqkd.properties";

  static final String VQKD_GRAPH = "graph.sdz";

  /** The file that marks a pixel k-means tokenizer (written by {@link PixelKMeansTokenizer}). */
  static final String PIXEL_KMEANS = "pixel-kmeans.bin";

  /** Which tokenizer a directory holds. */
  public enum TokenizerKind {
    VQKD,
    PIXEL_KMEANS;

    /** The command line's name: {@code vqkd}, {@code pixel-kmeans}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private Artefacts() {}

  /**
   * Loads the CNN teacher saved in {@code dir} by {@code bin/beit4j teacher}.
   *
   * @throws PipelineException if there is none, naming the command that makes one
   */
  public static CnnTeacher cnnTeacher(Path dir) {
    if (!Files.isRegularFile(dir.resolve(CnnTeacher.GRAPH_FILE))
        || !Files.isRegularFile(dir.resolve(Provenance.FILE_NAME))) {
      throw new PipelineException(
          "no CNN teacher in "
              + dir
              + ": run `bin/beit4j teacher --out "
              + dir
              + "` first (or pass --onnx-teacher FILE or --samediff-teacher FILE)");
    }
    try {
      return CnnTeacher.load(dir);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new PipelineException(
          "cannot read the CNN teacher in "
              + dir
              + ": "
              + e.getMessage()
              + ". Train it again with `bin/beit4j teacher --out "
              + dir
              + "`",
          e);
    }
  }

  /**
   * Which tokenizer {@code dir} holds, told by its files.
   *
   * @throws PipelineException if it holds none, naming the command that makes one
   */
  public static TokenizerKind tokenizerKind(Path dir) {
    if (Files.isRegularFile(dir.resolve(VQKD_CONFIG))
        && Files.isRegularFile(dir.resolve(VQKD_GRAPH))) {
      return TokenizerKind.VQKD;
    }
    if (Files.isRegularFile(dir.resolve(PIXEL_KMEANS))) {
      return TokenizerKind.PIXEL_KMEANS;
    }
    throw new PipelineException(
        "no tokenizer in "
            + dir
            + ": run `bin/beit4j tokenizer --teacher TEACHER_DIR --out "
            + dir
            + "` first (or `bin/beit4j tokenizer --kind pixel-kmeans --out "
            + dir
            + "`)");
  }

  /**
   * Loads the VQ-KD or pixel k-means tokenizer in {@code dir}.
   *
   * @throws PipelineException if there is none or it cannot be read
   */
  public static VisualTokenizer tokenizer(Path dir) {
    TokenizerKind kind = tokenizerKind(dir);
    try {
      return kind == TokenizerKind.VQKD ? VqKdTokenizer.load(dir) : PixelKMeansTokenizer.load(dir);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new PipelineException(
          "cannot read the tokenizer in "
              + dir
              + ": "
              + e.getMessage()
              + ". Make it again with `bin/beit4j tokenizer ... --out "
              + dir
              + "`",
          e);
    }
  }

  /**
   * Loads the pretrained backbone of a pretraining run: {@code dir} may be the run directory
   * ({@code pretrain/}), its {@code backbone/} or the {@code backbone.sd} file.
   *
   * @throws PipelineException if there is none or it cannot be read, naming the command that makes
   *     one
   */
  public static VisionTransformer backbone(Path dir) {
    Path file = dir;
    if (Files.isDirectory(RunLayout.backbone(dir))) {
      file = RunLayout.backbone(dir).resolve(Pretrainer.BACKBONE_FILE);
    } else if (Files.isDirectory(dir)) {
      file = dir.resolve(Pretrainer.BACKBONE_FILE);
    }
    if (!Files.isRegularFile(file)) {
      throw new PipelineException(
          "no pretrained backbone in "
              + dir
              + ": run `bin/beit4j pretrain --tokenizer TOKENIZER_DIR --out "
              + dir
              + "` first (or resume it with --resume)");
    }
    try {
      return VisionTransformer.load(file);
    } catch (RuntimeException e) {
      throw new PipelineException("cannot read the backbone " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The whole pretraining model (backbone, MIM head, [CLS] branch) of a finished pretraining run
   * {@code dir} ({@code dir/final}), for inspecting its predictions.
   *
   * @throws PipelineException if the run has not finished or cannot be read
   */
  public static PretrainModel pretrainModel(Path dir) {
    Path last = RunLayout.finalCheckpoint(dir);
    if (!Files.isDirectory(last)) {
      throw new PipelineException(
          "no finished pretraining run in "
              + dir
              + " (no "
              + RunLayout.FINAL
              + "/): run `bin/beit4j pretrain --tokenizer TOKENIZER_DIR --out "
              + dir
              + "`, or finish it with --resume");
    }
    try {
      return PretrainCheckpoint.loadModel(last);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new PipelineException("cannot read " + last + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that a file given on the command line exists.
   *
   * @param what what the file should be ("ONNX model")
   * @param option the option that named it ("--onnx-teacher")
   */
  static Path requireFile(Path file, String what, String option) {
    if (!Files.isRegularFile(file)) {
      throw new PipelineException(
          "no " + what + " at " + file + " (given by " + option + "): check the path");
    }
    return file;
  }
}
