package org.beit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.beit4j.data.FashionMnist;
import org.beit4j.eval.LinearProbe;
import org.beit4j.eval.LinearProbeConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 4's bar for the built-in teacher, on real Fashion-MNIST: the {@link
 * CnnTeacherConfig#fashionMnist()} teacher reaches 90% test accuracy, and a linear probe on its
 * mean-pooled patch features beats a linear probe on raw pixels by at least 3 points (same 10k
 * train / 2k test images). The teacher is trained once and kept in {@code
 * target/teacher-cache/fashion-mnist} ({@link CnnTeacher#trainOrLoad}), so a clean checkout trains
 * it once and later runs only load it.
 *
 * <p><b>Status: passes</b> (measured on one core of a shared 2-core AMD EPYC): the {@code
 * fashionMnist()} teacher (widths 16/32/96, LayerNorm, GELU head, 10 epochs with flips) reaches
 * 0.9154 test accuracy; a linear probe on its mean-pooled patch features gets 0.9125 vs 0.8225 on
 * pixels (all 49 patch features side by side: 0.8895). Training it takes about 28 minutes on one
 * core, so the check stays out of the default suite (the name does not match surefire's {@code
 * *Test} pattern; run it with {@code mvn test -Dtest=CnnTeacherStrengthCheck}); with the teacher
 * cached in {@code target/teacher-cache} it runs in about two minutes. The variants measured on the
 * way are in docs/teachers.md.
 */
class CnnTeacherStrengthCheck {

  private static final Logger log = LoggerFactory.getLogger(CnnTeacherStrengthCheck.class);
  private static final Path CACHE = Path.of("target", "teacher-cache", "fashion-mnist");
  private static final int PROBE_TRAIN = 10_000;
  private static final int PROBE_TEST = 2_000;

  @Test
  void teacherIsStrongAndItsFeaturesBeatPixels() {
    FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
    FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
    CnnTeacher teacher =
        CnnTeacher.trainOrLoad(CACHE, CnnTeacherConfig.fashionMnist(), train, test);

    // first 10k training images (the set is not ordered by class) and first 2k test images
    int[] trainIdx = range(PROBE_TRAIN);
    int[] testIdx = range(PROBE_TEST);
    int[] yTrain = Arrays.stream(trainIdx).map(train::label).toArray();
    int[] yTest = Arrays.stream(testIdx).map(test::label).toArray();
    INDArray pixTrain = pixels(train, trainIdx); // [10000, 1, 28, 28]
    INDArray pixTest = pixels(test, testIdx); // [2000, 1, 28, 28]
    LinearProbeConfig probe = LinearProbeConfig.defaults();
    double pixelAcc =
        LinearProbe.evaluate(
            pixTrain.reshape(PROBE_TRAIN, 784),
            yTrain,
            pixTest.reshape(PROBE_TEST, 784),
            yTest,
            10,
            probe);
    double teacherAcc =
        LinearProbe.evaluate(
            patchFeatures(teacher, pixTrain, true),
            yTrain,
            patchFeatures(teacher, pixTest, true),
            yTest,
            10,
            probe);
    double pooledAcc =
        LinearProbe.evaluate(
            patchFeatures(teacher, pixTrain, false),
            yTrain,
            patchFeatures(teacher, pixTest, false),
            yTest,
            10,
            probe);
    String figures =
        String.format(
            Locale.ROOT,
            "teacher test accuracy %.4f; linear probe (10k/2k): mean-pooled teacher patch"
                + " features %.4f (all 49 side by side %.4f), pixels %.4f",
            teacher.testAccuracy(),
            teacherAcc,
            pooledAcc,
            pixelAcc);
    log.warn(figures); // tests log at WARN; these are the figures issue 4 asks for
    assertTrue(teacher.testAccuracy() >= 0.90, figures);
    assertTrue(teacherAcc >= pixelAcc + 0.03, figures);
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    Arrays.setAll(a, i -> i);
    return a;
  }

  private static INDArray pixels(FashionMnist data, int[] idx) {
    float[] px = new float[idx.length * 784];
    for (int k = 0; k < idx.length; k++) {
      System.arraycopy(data.image(idx[k]).pixels(), 0, px, k * 784, 784);
    }
    return Nd4j.create(px, new long[] {idx.length, 1, 28, 28}, DataType.FLOAT);
  }

  /**
   * The teacher's 49 patch features side by side, {@code [M, 49 * Dt]}, or their mean {@code [M,
   * Dt]}.
   */
  private static INDArray patchFeatures(CnnTeacher teacher, INDArray images, boolean mean) {
    long m = images.size(0);
    int n = teacher.gridSize() * teacher.gridSize();
    INDArray out =
        Nd4j.create(
            DataType.FLOAT, m, mean ? teacher.featureDim() : (long) n * teacher.featureDim());
    for (long s = 0; s < m; s += 500) {
      long e = Math.min(m, s + 500);
      INDArray batch =
          images.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(s, e),
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.all());
      INDArray p = teacher.patchFeatures(batch.dup()); // [b, N, Dt]
      INDArray f = mean ? p.mean(1) : p.reshape(e - s, (long) n * teacher.featureDim());
      out.get(
              org.nd4j.linalg.indexing.NDArrayIndex.interval(s, e),
              org.nd4j.linalg.indexing.NDArrayIndex.all())
          .assign(f);
    }
    return out;
  }
}
