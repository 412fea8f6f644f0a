package org.beit4j.eval;

import org.beit4j.Beit4j;
import org.beit4j.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frozen-feature evaluation of {@link FeatureSource}s on one fixed split: the features of the
 * training and held-out images are computed once per source, then a {@link LinearProbe} and a
 * {@link KnnClassifier} are fitted on the same training features and scored on the same held-out
 * features.
 *
 * <pre>
 * var eval = FrozenEvaluation.of(FashionMnist.load(TRAIN), FashionMnist.load(TEST), cfg);
 * ProbeResult raw = eval.evaluate(FeatureSource.pixels());
 * </pre>
 */
public final class FrozenEvaluation {

  static {
    Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(FrozenEvaluation.class);

  private final LabelledImages train;
  private final LabelledImages test;
  private final FrozenEvalConfig config;

  /**
   * @throws IllegalArgumentException if the two splits have different numbers of classes
   */
  public FrozenEvaluation(LabelledImages train, LabelledImages test, FrozenEvalConfig config) {
    if (train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException(
          "train split has "
              + train.numClasses()
              + " classes but test split "
              + test.numClasses()
              + " ("
              + train.source()
              + " vs "
              + test.source()
              + ")");
    }
    this.train = train;
    this.test = test;
    this.config = config;
  }

  /** Loads the seeded subsets of {@code config}'s sizes from both datasets into memory. */
  public static FrozenEvaluation of(
      ImageDataset trainSet, ImageDataset testSet, FrozenEvalConfig config) {
    return new FrozenEvaluation(
        LabelledImages.load(trainSet, config.trainLimit(), config.seed()),
        LabelledImages.load(testSet, config.testLimit(), config.seed()),
        config);
  }

  /** Extracts the source's features of both splits and scores probe and k-NN on them. */
  public ProbeResult evaluate(FeatureSource source) {
    long start = System.nanoTime();
    INDArray trainF =
        source.extract(train.images(), config.chunk(), source.name() + " train features");
    INDArray testF =
        source.extract(test.images(), config.chunk(), source.name() + " test features");
    ProbeResult r =
        score(
            source.name(),
            source.description(),
            trainF,
            train.labels(),
            testF,
            test.labels(),
            train.numClasses(),
            config,
            start);
    log.info(
        "{}: linear {} k-NN {} ({} train / {} test images, {} features, {} s)",
        r.name(),
        r.linearTop1(),
        r.knnTop1(),
        r.trainImages(),
        r.testImages(),
        trainF.size(1),
        String.format("%.1f", r.seconds()));
    return r;
  }

  /**
   * Probe and k-NN on features already computed (e.g. cached), both fitted on the same rows.
   *
   * @param trainFeatures {@code [M, F]}
   * @param testFeatures {@code [Q, F]}
   */
  public static ProbeResult score(
      String name,
      String description,
      INDArray trainFeatures,
      int[] trainLabels,
      INDArray testFeatures,
      int[] testLabels,
      int numClasses,
      FrozenEvalConfig config) {
    return score(
        name,
        description,
        trainFeatures,
        trainLabels,
        testFeatures,
        testLabels,
        numClasses,
        config,
        System.nanoTime());
  }

  private static ProbeResult score(
      String name,
      String description,
      INDArray trainF,
      int[] trainY,
      INDArray testF,
      int[] testY,
      int numClasses,
      FrozenEvalConfig config,
      long startNanos) {
    LinearProbe.check(trainF, trainY, numClasses);
    LinearProbe.check(testF, testY, numClasses);
    if (trainF.size(1) != testF.size(1)) {
      throw new IllegalArgumentException(
          "train features have " + trainF.size(1) + " columns but test features " + testF.size(1));
    }
    double linear = LinearProbe.evaluate(trainF, trainY, testF, testY, numClasses, config.probe());
    int k = Math.min(config.k(), trainY.length);
    double knn =
        new KnnClassifier(trainF, trainY, numClasses, k, config.temperature())
            .accuracy(testF, testY);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return new ProbeResult(name, description, linear, knn, trainY.length, testY.length, seconds);
  }

  public LabelledImages train() {
    return train;
  }

  public LabelledImages test() {
    return test;
  }

  public FrozenEvalConfig config() {
    return config;
  }
}
