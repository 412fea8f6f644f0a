package org.beit4j.eval.probe;

import java.util.List;
import org.beit4j.Beit4j;
import org.beit4j.data.ImageDataset;
import org.beit4j.eval.FrozenEvalConfig;
import org.beit4j.eval.FrozenEvaluation;
import org.beit4j.eval.LabelledImages;
import org.beit4j.eval.ProbeResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage-by-stage probe harness: on one fixed split and seed, every {@link StageFeatures} is
 * read once over the training and test images, and each of its representations gets the linear
 * probe and k-NN of {@link FrozenEvaluation#score}.
 *
 * <pre>{@code
 * StageProbe probe = StageProbe.of(trainSet, testSet, StageProbeConfig.PRESETS.get("quick"));
 * StageTable t = probe.run(List.of(
 *     StageSources.teacher(teacher),
 *     StageSources.tokenizer("tokenizer", tokenizer, probe.config().codeMapLimit()),
 *     StageSources.backbone("backbone", vit)));
 * display(t);                       // Markdown table
 * display(LayerPlot.of(t));         // per-layer [CLS] / mean probe
 * }</pre>
 */
public final class StageProbe {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(StageProbe.class);

  private final LabelledImages train;
  private final LabelledImages test;
  private final StageProbeConfig config;

  /**
   * @throws IllegalArgumentException if the splits have different numbers of classes
   */
  public StageProbe(LabelledImages train, LabelledImages test, StageProbeConfig config) {
    if (train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException(
          "train split has " + train.numClasses() + " classes but test split " + test.numClasses());
    }
    this.train = train;
    this.test = test;
    this.config = config;
  }

  /** Loads the seeded subsets of {@code config}'s sizes from both datasets. */
  public static StageProbe of(
      ImageDataset trainSet, ImageDataset testSet, StageProbeConfig config) {
    FrozenEvalConfig f = config.frozen();
    return new StageProbe(
        LabelledImages.load(trainSet, f.trainLimit(), f.seed()),
        LabelledImages.load(testSet, f.testLimit(), f.seed()),
        config);
  }

  /** Probes every representation of every stage, in order. */
  public StageTable run(List<StageFeatures> stages) {
    StageTable table = new StageTable(List.of());
    for (StageFeatures s : stages) {
      table = probe(s, table);
    }
    return table;
  }

  /** {@code table} with the rows of {@code stage} appended. */
  public StageTable probe(StageFeatures stage, StageTable table) {
    int chunk = config.frozen().chunk();
    INDArray trainF = stage.source().extract(train.images(), chunk, stage.stage() + " train");
    INDArray testF = stage.source().extract(test.images(), chunk, stage.stage() + " test");
    List<INDArray> trainParts = stage.split(trainF);
    List<INDArray> testParts = stage.split(testF);
    StageTable out = table;
    for (int i = 0; i < stage.parts().size(); i++) {
      Representation p = stage.parts().get(i);
      ProbeResult r =
          FrozenEvaluation.score(
              p.name(),
              p.description(),
              trainParts.get(i),
              train.labels(),
              testParts.get(i),
              test.labels(),
              train.numClasses(),
              config.frozen());
      log.info("{}: linear {} k-NN {} ({} dims)", p.name(), r.linearTop1(), r.knnTop1(), p.dims());
      out = out.with(StageTable.Row.of(stage.stage(), p, r));
    }
    return out;
  }

  public LabelledImages train() {
    return train;
  }

  public LabelledImages test() {
    return test;
  }

  public StageProbeConfig config() {
    return config;
  }
}
