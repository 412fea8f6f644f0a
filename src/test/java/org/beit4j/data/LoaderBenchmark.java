package org.beit4j.data;

import java.util.Locale;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Measures how fast {@link ImageBatchIterator} delivers Fashion-MNIST batches of 64 (images/s),
 * with and without augmentation, and sample-photo batches decoded from PNG. Not a unit test (no
 * timing assertions); run with
 *
 * <pre>
 * mvn -q -o test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.beit4j.data.LoaderBenchmark [-Dexec.args="epochs"]
 * </pre>
 */
public final class LoaderBenchmark {

  private LoaderBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
    LoaderConfig cfg = LoaderConfig.of(64);
    run(
        "fashion-mnist plain 28x28",
        train,
        MultiViewTransform.single(Transforms.identity()),
        cfg,
        rounds);
    run(
        "fashion-mnist augmented (rrc 28, flip, norm)",
        train,
        MultiViewTransform.single(
            TransformConfig.augmented(28, 1).withNormalization(ChannelStats.FASHION_MNIST).build()),
        cfg,
        rounds);
    run(
        "fashion-mnist two views 28 (BEiT v2)",
        train,
        TwoViewTransform.beitV2(28, 1, ChannelStats.FASHION_MNIST),
        cfg,
        rounds);
    run(
        "sample photos PNG decode + augmented 64",
        SamplePhotos.open(),
        MultiViewTransform.single(TransformConfig.augmented(64, 3).build()),
        cfg,
        rounds * 20);
    run(
        "sample photos, 2 workers",
        SamplePhotos.open(),
        MultiViewTransform.single(TransformConfig.augmented(64, 3).build()),
        cfg.withWorkers(2),
        rounds * 20);
  }

  private static void run(
      String name, ImageDataset data, MultiViewTransform t, LoaderConfig cfg, int rounds) {
    ImageBatchIterator it = new ImageBatchIterator(data, t, cfg);
    drain(it, 300); // warm-up (JIT)
    it.reset();
    long images = 0;
    long t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      images += drain(it, Integer.MAX_VALUE);
      it.reset();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT, "%-45s %9d images in %6.2f s = %9.0f images/s%n", name, images, s, images / s);
  }

  private static long drain(ImageBatchIterator it, int maxBatches) {
    long n = 0;
    for (int b = 0; b < maxBatches && it.hasNext(); b++) {
      MultiDataSet ds = it.next();
      n += ds.getFeatures(0).size(0);
    }
    return n;
  }
}
