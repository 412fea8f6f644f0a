package org.beit4j.pipeline;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.beit4j.config.VitConfig;
import org.beit4j.io.RunLayout;

/**
 * The run of the main job a notebook explains its stage on: a finished {@code bin/beit4j demo} run
 * ({@link DemoRuns#find}: the folder {@value DemoRuns#ENV} names, else the newest finished one in
 * the runs folder), or, when there is none, the demo's stages trained at the notebook's budget into
 * a cache folder, kept for the next run of any notebook with the same budget.
 *
 * <pre>{@code
 * NotebookRun nr = NotebookRun.open(Path.of("../runs"), Path.of("../target/notebook-cache"),
 *     DemoBudget.quick().scaledTo(MAX_STEPS, MAX_IMAGES));
 * String how = nr.toString();       // which of the two, and why
 * RunLayout run = nr.complete();     // every artefact: found, or trained into the cache
 * }</pre>
 *
 * <p>A found run is only read, never written.
 */
public final class NotebookRun {

  private final RunLayout layout;
  private final boolean found;
  private final String why;
  private final DemoBudget budget;

  private NotebookRun(RunLayout layout, boolean found, String why, DemoBudget budget) {
    this.layout = layout;
    this.found = found;
    this.why = why;
    this.budget = budget;
  }

  /** {@link #open(Path, Path, DemoBudget, Map)} with the process's environment. */
  public static NotebookRun open(Path runsDir, Path cacheDir, DemoBudget budget) {
    return open(runsDir, cacheDir, budget, System.getenv());
  }

  /**
   * The demo run to use: found through {@link DemoRuns#find(Path, Map)}, else {@code
   * cacheDir/demo-<budget name>-<hash of the budget>} (nothing is trained until {@link
   * #withTokenizer} or {@link #complete} is called).
   *
   * @param budget what to train when no run is found
   * @throws PipelineException if {@value DemoRuns#ENV} names a folder that is not a finished run
   */
  public static NotebookRun open(
      Path runsDir, Path cacheDir, DemoBudget budget, Map<String, String> env) {
    Checks.notNull("budget", budget);
    Optional<RunLayout> run = DemoRuns.find(runsDir, env);
    if (run.isPresent()) {
      String named = env.get(DemoRuns.ENV);
      String how =
          named != null && !named.isBlank()
              ? "named by " + DemoRuns.ENV
              : "the newest finished run in " + runsDir;
      return new NotebookRun(
          run.get(),
          true,
          "a finished demo run found at " + run.get().root() + " (" + how + ")",
          budget);
    }
    String folder =
        String.format(Locale.ROOT, "demo-%s-%08x", budget.name(), budget.toString().hashCode());
    RunLayout cache = new RunLayout(cacheDir.resolve(folder));
    return new NotebookRun(
        cache,
        false,
        "no finished demo run in "
            + runsDir
            + " (run `bin/beit4j demo`, or set "
            + DemoRuns.ENV
            + " to a run folder): the demo's stages at this notebook's budget ("
            + budget.name()
            + ") train into "
            + cache.root()
            + ", kept for the next run",
        budget);
  }

  /** Whether a finished demo run was found (else the cache folder is used). */
  public boolean found() {
    return found;
  }

  /** The run folder: the found run, or the cache folder (possibly not trained yet). */
  public RunLayout layout() {
    return layout;
  }

  /** The budget trained into the cache when no run is found. */
  public DemoBudget budget() {
    return budget;
  }

  /**
   * The run with its teacher and VQ-KD tokenizer: a found run as it is, else the demo's stages 1
   * and 2 trained into the cache folder (kept if already there).
   */
  public RunLayout withTokenizer() {
    if (!found) {
      DemoStage.runTokenizer(options());
    }
    return layout;
  }

  /**
   * The run with every artefact: a found run as it is, else the whole demo at the budget into the
   * cache folder (stages already there are kept).
   */
  public RunLayout complete() {
    if (!found) {
      DemoStage.run(options());
    }
    return layout;
  }

  /** The backbone shape MIM trains: the found run's pretrained backbone's, else the budget's. */
  public VitConfig backboneShape() {
    return found ? Artefacts.backbone(layout.pretrain()).config() : budget.vit();
  }

  private DemoStage.Options options() {
    return DemoStage.Options.of(budget, layout.root()).withResume(true);
  }

  /** Which run is used and why, one sentence. */
  @Override
  public String toString() {
    return why;
  }
}
