package org.beit4j.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.beit4j.io.Manifest;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.Pretrainer;

/**
 * Finds a finished run of {@code bin/beit4j demo}, so that a notebook or a program can explain a
 * stage on its artefacts instead of training small ones. A run is finished when its teacher, both
 * tokenizers and both backbones are there, each with its manifest ({@link #missing}).
 *
 * <p>The environment variable {@value #ENV} names a run folder and wins; otherwise the newest
 * finished folder in the runs directory ({@code runs/} of the checkout, where the demo writes
 * {@code runs/<yyyyMMdd-HHmmss>}) is taken.
 */
public final class DemoRuns {

  /** Names the run folder to use, overriding the search. */
  public static final String ENV = "BEIT4J_DEMO_RUN";

  /** Where {@code bin/beit4j demo} puts its runs, relative to the checkout. */
  public static final String RUNS = "runs";

  private DemoRuns() {}

  /** {@link #find(Path, Map)} with the process's environment. */
  public static Optional<RunLayout> find(Path runsDir) {
    return find(runsDir, System.getenv());
  }

  /**
   * The run named by {@value #ENV} in {@code env}, else the newest finished run folder directly in
   * {@code runsDir} (by name: the demo's timestamps sort by time), else empty.
   *
   * @throws PipelineException if {@value #ENV} names a folder that is not a finished run, listing
   *     what is missing and the command that makes it
   */
  public static Optional<RunLayout> find(Path runsDir, Map<String, String> env) {
    String named = env.get(ENV);
    if (named != null && !named.isBlank()) {
      RunLayout run = new RunLayout(Path.of(named));
      List<String> missing = missing(run);
      if (!missing.isEmpty()) {
        throw new PipelineException(
            ENV
                + "="
                + named
                + " is not a finished demo run: missing "
                + String.join(", ", missing)
                + "; run `bin/beit4j demo --out "
                + named
                + " --resume` to finish it, or unset "
                + ENV);
      }
      return Optional.of(run);
    }
    if (!Files.isDirectory(runsDir)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(runsDir)) {
      return dirs.filter(Files::isDirectory)
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .map(RunLayout::new)
          .filter(r -> missing(r).isEmpty())
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runsDir, e);
    }
  }

  /**
   * What a run folder lacks to be a finished demo run, as folder names ({@code teacher}, {@code
   * pretrain/backbone}, ...); empty when it has everything.
   */
  public static List<String> missing(RunLayout run) {
    List<String> out = new ArrayList<>();
    requireDir(run.teacher(), RunLayout.TEACHER, out);
    requireDir(run.tokenizer(), RunLayout.TOKENIZER, out);
    requireDir(run.pixelTokenizer(), RunLayout.PIXEL_TOKENIZER, out);
    requireBackbone(run.pretrain(), RunLayout.PRETRAIN, out);
    requireBackbone(run.pretrainPixel(), RunLayout.PRETRAIN_PIXEL, out);
    return out;
  }

  private static void requireDir(Path dir, String name, List<String> out) {
    if (!Files.isRegularFile(dir.resolve(Manifest.FILE_NAME))) {
      out.add(name);
    }
  }

  private static void requireBackbone(Path pretrainDir, String name, List<String> out) {
    Path file = RunLayout.backbone(pretrainDir).resolve(Pretrainer.BACKBONE_FILE);
    Path manifest = file.resolveSibling(file.getFileName() + Manifest.SIDECAR_SUFFIX);
    if (!Files.isRegularFile(file) || !Files.isRegularFile(manifest)) {
      out.add(name + "/" + RunLayout.BACKBONE);
    }
  }
}
