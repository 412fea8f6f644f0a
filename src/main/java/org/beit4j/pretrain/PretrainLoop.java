package org.beit4j.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.MetricsCsv;
import org.beit4j.io.RunLayout;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.ProgressBar;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of {@link Pretrainer#train}: batches in a resumable order, one {@link Pretrainer#step}
 * each, the metrics CSV and progress bar, periodic checkpoints (the two newest kept), and the final
 * checkpoint and backbone export.
 */
final class PretrainLoop {

  private static final Logger log = LoggerFactory.getLogger(PretrainLoop.class);
  private static final int KEEP_CHECKPOINTS = 2;

  private PretrainLoop() {}

  /** {@link Pretrainer#train}. */
  static List<StepMetrics> run(Pretrainer p, MultiDataSetIterator data, long untilStep) {
    PretrainConfig config = p.config();
    Path runDir = p.runDir();
    long until = Math.min(untilStep, config.totalSteps());
    if (until <= p.stepsDone()) {
      return List.of();
    }
    data.reset();
    for (long i = 0; i < p.stepsDone(); i++) {
      nextBatch(data);
    }
    List<StepMetrics> done = new ArrayList<>();
    MetricsCsv csv =
        runDir == null
            ? null
            : MetricsCsv.open(RunLayout.metrics(runDir), StepMetrics.HEADER, p.stepsDone());
    String label = runDir == null ? "pretrain" : String.valueOf(runDir.getFileName());
    try (ProgressBar bar = new ProgressBar(label, until - p.stepsDone(), "img")) {
      while (p.stepsDone() < until) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException(
              "pretraining interrupted after step "
                  + p.stepsDone()
                  + "; its newest checkpoint is kept");
        }
        MultiDataSet batch = nextBatch(data);
        StepMetrics m = p.step(batch);
        NonFiniteException.require(
            "pretraining", m.step(), "loss", m.loss(), "gradient norm", m.gradNorm());
        done.add(m);
        if (csv != null) {
          csv.row(m.step(), m.values());
        }
        bar.metric("loss", m.loss()).metric("mimAcc", m.mimAcc());
        if (config.clsHead()) {
          bar.metric("clsAcc", m.clsAcc());
        }
        bar.step(batch.getFeatures(0).size(0));
        if (runDir != null
            && config.run().checkpointEvery() > 0
            && p.stepsDone() % config.run().checkpointEvery() == 0
            && p.stepsDone() < config.totalSteps()) {
          p.checkpoint(RunLayout.checkpoint(runDir, p.stepsDone()));
          prune(runDir);
        }
      }
    } finally {
      if (csv != null) {
        csv.close();
      }
    }
    if (runDir != null && p.stepsDone() == config.totalSteps()) {
      p.checkpoint(RunLayout.finalCheckpoint(runDir));
      p.exportBackbone(RunLayout.backbone(runDir));
    }
    return done;
  }

  private static MultiDataSet nextBatch(MultiDataSetIterator data) {
    if (!data.hasNext()) {
      data.reset();
      if (!data.hasNext()) {
        throw new IllegalArgumentException("the data iterator is empty");
      }
    }
    return data.next();
  }

  private static void prune(Path runDir) {
    try {
      List<Path> old = RunLayout.checkpoints(runDir);
      for (int i = 0; i < old.size() - KEEP_CHECKPOINTS; i++) {
        AtomicFiles.deleteRecursively(old.get(i));
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not prune old checkpoints in {}: {}", runDir, e.toString());
    }
  }
}
