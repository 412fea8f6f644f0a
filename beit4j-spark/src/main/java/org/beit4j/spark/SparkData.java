package org.beit4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.beit4j.config.VitConfig;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.ImageFolder;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.tokenizer.VqKdConfig;

/**
 * The training images of a Spark job, opened from a local path (a copy of the job's data URI) the
 * same way on the driver and on every executor, and the batches a one-process {@code bin/beit4j
 * pretrain} or {@code bin/beit4j tokenizer} run would make of them.
 */
public final class SparkData {

  /** The data name for Debian's Fashion-MNIST package. */
  public static final String FASHION_MNIST = "fashion-mnist";

  private SparkData() {}

  /**
   * Opens {@code local}: {@value #FASHION_MNIST}, a folder holding Fashion-MNIST's IDX files (its
   * training split), an image folder with a {@code train/} directory, or an image folder of class
   * directories.
   *
   * @param channels 1 or 3, what every image of a folder is converted to
   */
  public static ImageDataset open(String local, int channels) {
    if (FASHION_MNIST.equals(local)) {
      return FashionMnist.load(FashionMnist.Split.TRAIN);
    }
    Path p = Path.of(local);
    if (Files.isRegularFile(p.resolve(FashionMnist.Split.TRAIN.imagesFile()))) {
      return FashionMnist.load(p, FashionMnist.Split.TRAIN);
    }
    Path train = p.resolve("train");
    return ImageFolder.open(Files.isDirectory(train) ? train : p, channels);
  }

  /**
   * A local path holding the data of {@code uri} ({@link HadoopDirs#local}), or {@value
   * #FASHION_MNIST} itself.
   */
  static String local(String uri, Configuration conf) {
    return FASHION_MNIST.equals(uri) ? uri : HadoopDirs.local(uri, conf).toString();
  }

  /**
   * Batches as {@code bin/beit4j tokenizer} makes them for VQ-KD: {@code run.batchSize} images at
   * the encoder's size, seeded by {@code run.seed}, the short last batch of an epoch kept.
   */
  public static ImageBatchIterator batches(ImageDataset data, VqKdConfig config) {
    VitConfig e = config.encoder();
    LoaderConfig loader = LoaderConfig.of(config.run().batchSize()).withSeed(config.seed());
    return ImageBatchIterator.of(data, TransformConfig.plain(e.imageSize(), e.channels()), loader);
  }

  /**
   * Batches as {@code bin/beit4j pretrain} makes them: {@code run.batchSize} images, seeded by
   * {@code run.seed}, short last batch dropped, plain resize or augmented crops.
   */
  public static ImageBatchIterator batches(
      ImageDataset data, PretrainConfig config, boolean augment) {
    VitConfig v = config.vit();
    TransformConfig t =
        augment
            ? TransformConfig.augmented(v.imageSize(), v.channels())
            : TransformConfig.plain(v.imageSize(), v.channels());
    LoaderConfig loader =
        LoaderConfig.of(config.run().batchSize()).withSeed(config.run().seed()).withDropLast(true);
    return ImageBatchIterator.of(data, t, loader);
  }
}
