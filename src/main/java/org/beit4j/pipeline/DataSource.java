package org.beit4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.ImageFolder;

/**
 * The images a stage trains on, named by {@code --data}: {@value #FASHION_MNIST} (Debian's
 * dataset-fashion-mnist package) or an image folder {@code DIR/train/<class>/<image>} with an
 * optional {@code DIR/test/<class>/<image>}.
 *
 * @param train the training images
 * @param test held-out images, or null when the folder has no {@code test/}
 * @param description for provenance ("fashion-mnist", or the folder)
 */
public record DataSource(ImageDataset train, ImageDataset test, String description) {

  /** The {@code --data} value for Fashion-MNIST. */
  public static final String FASHION_MNIST = "fashion-mnist";

  /**
   * Opens the data named by {@code spec}.
   *
   * @param channels for an image folder: 1 (grey) or 3 (RGB), what every image is converted to
   * @throws PipelineException if the data is not there, saying how to get it
   */
  public static DataSource open(String spec, int channels) {
    if (FASHION_MNIST.equals(spec)) {
      if (!FashionMnist.isInstalled()) {
        throw new PipelineException(
            "Fashion-MNIST is not installed in "
                + FashionMnist.DEFAULT_DIR
                + ": run `bin/install-datasets` (Debian package dataset-fashion-mnist), or pass"
                + " --data DIR for an image folder DIR/train/<class>/<image>");
      }
      return new DataSource(
          FashionMnist.load(FashionMnist.Split.TRAIN),
          FashionMnist.load(FashionMnist.Split.TEST),
          FASHION_MNIST);
    }
    Path root = Path.of(spec);
    Path train = root.resolve("train");
    if (!Files.isDirectory(train)) {
      throw new PipelineException(
          "--data "
              + spec
              + " is neither '"
              + FASHION_MNIST
              + "' nor an image folder with a train/ directory: expected "
              + train
              + "/<class>/<image> (and optionally "
              + root.resolve("test")
              + "/<class>/<image>)");
    }
    Path test = root.resolve("test");
    return new DataSource(
        ImageFolder.open(train, channels),
        Files.isDirectory(test) ? ImageFolder.open(test, channels) : null,
        root.toString());
  }

  /** The held-out images, or the training images when there are none. */
  public ImageDataset testOrTrain() {
    return test != null ? test : train;
  }
}
