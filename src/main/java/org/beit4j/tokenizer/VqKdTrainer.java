package org.beit4j.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.beit4j.Beit4j;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.teacher.Teacher;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process VQ-KD training loop: batches from an iterator with the teacher's patch features,
 * each batch's rows shared among graph {@link Replicas} ({@code run.replicas}) whose {@link
 * VqKdTraining#share} passes (gradients, encoder outputs and codes captured from inside {@code
 * fit}, not recomputed) are combined and joined in batch order into one {@link VqKdTraining#apply}
 * step: one AdamW step and ONE codebook update.
 */
final class VqKdTrainer {

  private static final Logger log = LoggerFactory.getLogger(VqKdTrainer.class);

  static {
    Beit4j.init();
  }

  private final VqKdConfig cfg;
  private final Teacher teacher;
  private final MultiDataSetIterator data;
  private final Consumer<VqKdTokenizer.StepLog> onLog;
  private final ProgressBar bar;

  VqKdTrainer(
      VqKdConfig cfg,
      Teacher teacher,
      MultiDataSetIterator data,
      ProgressBar bar,
      Consumer<VqKdTokenizer.StepLog> onLog) {
    cfg.checkTeacher(teacher);
    this.cfg = cfg;
    this.teacher = teacher;
    this.data = data;
    this.bar = bar;
    this.onLog = onLog;
  }

  /**
   * Trains {@code cfg.steps()} steps and returns the tokenizer ({@link VqKdTraining#tokenizer}).
   */
  VqKdTokenizer run(String dataDescription) {
    try (Replicas<GradientGraph> graphs =
        Replicas.create(
            Replicas.resolve(cfg.run().replicas()),
            r -> VqKdTraining.replica(cfg),
            GradientGraph::parameters)) {
      List<MultiDataSet> first = new ArrayList<>();
      for (int i = 0; i < cfg.kmeansBatches(); i++) {
        first.add(nextBatch());
      }
      VqKdTraining training =
          VqKdTraining.start(cfg, graphs, first.stream().map(b -> b.getFeatures(0)).toList());
      for (int step = 1; step <= cfg.steps(); step++) {
        MultiDataSet batch = step <= first.size() ? first.get(step - 1) : nextBatch();
        List<VqKdTraining.Share> shares =
            graphs.map(split(batch, graphs.size()), (g, s) -> VqKdTraining.share(cfg, g, s));
        // the codebook step sees the whole batch's encoder outputs and codes, in batch order
        VqKdTokenizer.StepLog entry =
            training.apply(
                Replicas.combine(shares.stream().map(VqKdTraining.Share::pass).toList()),
                Nd4j.concat(
                    0, shares.stream().map(VqKdTraining.Share::hq).toArray(INDArray[]::new)),
                shares.stream().flatMapToInt(x -> Arrays.stream(x.codes())).toArray());
        if (entry != null) {
          report(entry);
        }
        if (bar != null) {
          bar.step(batch.getFeatures(0).size(0));
        }
      }
      return training.tokenizer(teacher.id(), dataDescription);
    }
  }

  private void report(VqKdTokenizer.StepLog entry) {
    log.debug("{}", entry); // the progress bar and onLog show it; INFO would flood notebooks
    if (onLog != null) {
      onLog.accept(entry);
    }
    if (bar != null) {
      bar.metric("loss", entry.distill() + entry.commitment())
          .metric("cos", entry.cosine())
          .metric("used", String.format("%.1f%%", 100 * entry.usedFraction()))
          .metric("ppl", entry.perplexity());
    }
  }

  /** A batch's rows split {@code k} ways (images and teacher features alike). */
  private static List<MultiDataSet> split(MultiDataSet batch, int k) {
    INDArray x = batch.getFeatures(0); // [B, C, H, W]
    INDArray t = batch.getLabels(0); // [B, N, Dt]
    return Replicas.split(
        (int) x.size(0),
        k,
        r -> new org.nd4j.linalg.dataset.MultiDataSet(Replicas.rows(x, r), Replicas.rows(t, r)));
  }

  private MultiDataSet nextBatch() {
    if (!data.hasNext()) {
      data.reset();
      if (!data.hasNext()) {
        throw new IllegalArgumentException("the training data gave no batch");
      }
    }
    INDArray images = data.next().getFeatures(0); // [B, C, H, W]
    cfg.checkImages(images);
    INDArray t = teacher.patchFeatures(images).castTo(DataType.FLOAT); // [B, N, Dt]
    return new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {images.castTo(DataType.FLOAT)}, new INDArray[] {t});
  }
}
