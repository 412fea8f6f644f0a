package org.beit4j.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.beit4j.data.Shuffle;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Linear probe: multinomial logistic regression on frozen feature vectors, the standard measure of
 * how linearly a representation separates the classes.
 *
 * <p>Features are standardised with the training set's per-feature mean and standard deviation;
 * then {@code p = softmax(x W + b)} is fitted by Adam on the mean cross-entropy plus {@code
 * lambda/2 ||W||^2}. Plain ND4J: the gradients {@code dW = x^T (p - y) / n + lambda W}, {@code db =
 * sum(p - y) / n} are written out, so nothing here depends on SameDiff.
 */
public final class LinearProbe {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final INDArray mean; // [1, F]
  private final INDArray std; // [1, F]
  private final INDArray w; // [F, K]
  private final INDArray b; // [1, K]

  private LinearProbe(INDArray mean, INDArray std, INDArray w, INDArray b) {
    this.mean = mean;
    this.std = std;
    this.w = w;
    this.b = b;
  }

  /**
   * Fits a probe.
   *
   * @param features {@code [M, F]} training features
   * @param labels {@code M} classes in {@code [0, numClasses)}
   * @param numClasses {@code K}
   * @throws IllegalArgumentException on mismatched sizes or labels out of range
   */
  public static LinearProbe fit(
      INDArray features, int[] labels, int numClasses, LinearProbeConfig config) {
    check(features, labels, numClasses);
    INDArray x = features.castTo(DataType.FLOAT); // [M, F]
    INDArray mean = x.mean(true, 0); // [1, F]
    INDArray std = x.std(false, true, 0).addi(1e-6f); // [1, F]
    INDArray z = x.subRowVector(mean).diviRowVector(std); // [M, F]
    int m = (int) z.size(0);
    int f = (int) z.size(1);
    INDArray y = oneHot(labels, numClasses); // [M, K]
    INDArray w = Nd4j.zeros(DataType.FLOAT, f, numClasses); // [F, K]
    INDArray b = Nd4j.zeros(DataType.FLOAT, 1, numClasses); // [1, K]
    Adam adamW = new Adam(w);
    Adam adamB = new Adam(b);
    SplittableRandom rng = new SplittableRandom(config.seed());
    int[] order = new int[m];
    Arrays.setAll(order, i -> i);
    long step = 0;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      Shuffle.inPlace(order, rng);
      INDArray zs = Nd4j.pullRows(z, 1, order); // [M, F], this epoch's order
      INDArray ys = Nd4j.pullRows(y, 1, order); // [M, K]
      for (int start = 0; start < m; start += config.batchSize()) {
        int end = Math.min(m, start + config.batchSize());
        INDArray xb = zs.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()); // [n, F]
        INDArray yb = ys.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()); // [n, K]
        INDArray g = softmax(xb.mmul(w).addiRowVector(b)).subi(yb).divi(end - start); // [n, K]
        INDArray gw = xb.transpose().mmul(g).addi(w.mul(config.l2())); // [F, K]
        INDArray gb = g.sum(true, 0); // [1, K]
        step++;
        adamW.update(w, gw, config.learningRate(), step);
        adamB.update(b, gb, config.learningRate(), step);
      }
      // freed now, not when the garbage collector finds the handles: M2.1 releases an array's
      // native buffer only then, and a few small Java objects per epoch never make it run, so
      // 30 epochs of 60,000 x 784 copies piled up to an out-of-memory kill in the full recipe
      zs.close();
      ys.close();
    }
    return new LinearProbe(mean, std, w, b);
  }

  /** Convenience for plain Java arrays: {@code features[i]} is the vector of row {@code i}. */
  public static LinearProbe fit(
      float[][] features, int[] labels, int numClasses, LinearProbeConfig config) {
    return fit(Nd4j.create(features), labels, numClasses, config);
  }

  /**
   * Fits on the training features and returns top-1 accuracy on the test features.
   *
   * @return the fraction of test rows classified correctly, in [0, 1]
   */
  public static double evaluate(
      INDArray trainFeatures,
      int[] trainLabels,
      INDArray testFeatures,
      int[] testLabels,
      int numClasses,
      LinearProbeConfig config) {
    return fit(trainFeatures, trainLabels, numClasses, config).accuracy(testFeatures, testLabels);
  }

  /** Class probabilities {@code [M, K]} of feature rows {@code [M, F]}. */
  public INDArray probabilities(INDArray features) {
    if (features.rank() != 2 || features.size(1) != w.size(0)) {
      throw new IllegalArgumentException(
          "features must be [M, "
              + w.size(0)
              + "] like the training features, got "
              + Arrays.toString(features.shape()));
    }
    INDArray z = features.castTo(DataType.FLOAT).subRowVector(mean).diviRowVector(std); // [M, F]
    return softmax(z.mmul(w).addiRowVector(b)); // [M, K]
  }

  /** Most probable class of every row. */
  public int[] predict(INDArray features) {
    return probabilities(features).argMax(1).toIntVector();
  }

  /** Top-1 accuracy on labelled feature rows. */
  public double accuracy(INDArray features, int[] labels) {
    if (features.size(0) != labels.length) {
      throw new IllegalArgumentException(
          features.size(0) + " feature rows but " + labels.length + " labels");
    }
    int[] p = predict(features);
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      correct += p[i] == labels[i] ? 1 : 0;
    }
    return (double) correct / p.length;
  }

  /** Row-wise softmax with the row maximum subtracted for stability; modifies {@code logits}. */
  static INDArray softmax(INDArray logits) {
    INDArray e = Transforms.exp(logits.subiColumnVector(logits.max(true, 1)), false); // [n, K]
    return e.diviColumnVector(e.sum(true, 1));
  }

  static INDArray oneHot(int[] labels, int numClasses) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, numClasses);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1f);
    }
    return y;
  }

  static void check(INDArray features, int[] labels, int numClasses) {
    if (features.rank() != 2) {
      throw new IllegalArgumentException(
          "features must be [M, F], got shape " + Arrays.toString(features.shape()));
    }
    if (features.size(0) != labels.length) {
      throw new IllegalArgumentException(
          features.size(0) + " feature rows but " + labels.length + " labels");
    }
    checkLabels(labels, numClasses);
  }

  /** Every label in {@code [0, numClasses)}, {@code numClasses >= 2}. */
  static void checkLabels(int[] labels, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of row " + i + " is not in [0, " + numClasses + ")");
      }
    }
  }

  /** Adam state for one parameter array. */
  private static final class Adam {
    private final INDArray m;
    private final INDArray v;

    Adam(INDArray param) {
      m = Nd4j.zerosLike(param);
      v = Nd4j.zerosLike(param);
    }

    void update(INDArray param, INDArray grad, double lr, long t) {
      m.muli(BETA1).addi(grad.mul(1 - BETA1));
      v.muli(BETA2).addi(grad.mul(grad).muli(1 - BETA2));
      double c1 = 1 - Math.pow(BETA1, t);
      double c2 = 1 - Math.pow(BETA2, t);
      INDArray denom = Transforms.sqrt(v.div(c2), false).addi(EPS);
      param.subi(m.div(c1).divi(denom).muli(lr));
    }
  }
}
