package org.beit4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fashion-MNIST (Xiao et al. 2017): 28x28 grey images of 10 clothing classes, 60000 for training
 * and 10000 for testing, read from Debian's {@code dataset-fashion-mnist} package (gzipped IDX
 * files under {@value #DEFAULT_DIR}).
 *
 * <p>The images stay in memory as the 47 MB of bytes in the files; {@link #image} turns one into
 * floats in [0, 1] on demand, so a batch costs only its own pixels.
 */
public final class FashionMnist implements ImageDataset {

  /** Where Debian's dataset-fashion-mnist package puts the files. */
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

  /** What to run when the files are missing or damaged. */
  public static final String INSTALL_HINT =
      "Install or repair: sudo apt-get install --reinstall dataset-fashion-mnist"
          + " (or run bin/install-datasets)";

  /** Image side in pixels. */
  public static final int SIDE = 28;

  /** Mean pixel value of the training set in [0, 1] units (for {@link Transforms#normalize}). */
  public static final float MEAN = 0.2860f;

  /** Standard deviation of the training pixels in [0, 1] units. */
  public static final float STD = 0.3530f;

  /** The ten class names, index = label. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private static final Logger log = LoggerFactory.getLogger(FashionMnist.class);

  /** The two splits and their file name prefixes. */
  public enum Split {
    /** 60000 training images, {@code train-*}. */
    TRAIN("train"),
    /** 10000 test images, {@code t10k-*}. */
    TEST("t10k");

    private final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }

    /** The images file name, e.g. {@code train-images-idx3-ubyte.gz}. */
    public String imagesFile() {
      return prefix + "-images-idx3-ubyte.gz";
    }

    /** The labels file name, e.g. {@code train-labels-idx1-ubyte.gz}. */
    public String labelsFile() {
      return prefix + "-labels-idx1-ubyte.gz";
    }
  }

  private final Path dir;
  private final Split split;
  private final byte[] pixels; // [N, 28, 28] unsigned
  private final byte[] labels; // [N]
  private final int count;

  private FashionMnist(Path dir, Split split, byte[] pixels, byte[] labels) {
    this.dir = dir;
    this.split = split;
    this.pixels = pixels;
    this.labels = labels;
    this.count = labels.length;
  }

  /** True if Debian's package files are present in {@value #DEFAULT_DIR}. */
  public static boolean isInstalled() {
    Path d = Path.of(DEFAULT_DIR);
    for (Split s : Split.values()) {
      if (!Files.isRegularFile(d.resolve(s.imagesFile()))
          || !Files.isRegularFile(d.resolve(s.labelsFile()))) {
        return false;
      }
    }
    return true;
  }

  /** Loads a split from {@value #DEFAULT_DIR}. */
  public static FashionMnist load(Split split) {
    return load(Path.of(DEFAULT_DIR), split);
  }

  /**
   * Loads a split from a directory holding the four {@code *-idx?-ubyte.gz} files.
   *
   * @throws DatasetException naming the file, offset and field if a file is missing or malformed,
   *     with {@link #INSTALL_HINT} as the fix
   */
  public static FashionMnist load(Path dir, Split split) {
    long t0 = System.nanoTime();
    Path imagesPath = dir.resolve(split.imagesFile());
    Path labelsPath = dir.resolve(split.labelsFile());
    IdxFile images = IdxFile.read(imagesPath, INSTALL_HINT);
    IdxFile labels = IdxFile.read(labelsPath, INSTALL_HINT);
    if (images.dims().length != 3 || images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
      throw new IdxFormatException(
          imagesPath,
          4,
          "dims",
          "expected images of shape [N, 28, 28], found " + Arrays.toString(images.dims()),
          INSTALL_HINT);
    }
    if (labels.dims().length != 1) {
      throw new IdxFormatException(
          labelsPath,
          4,
          "dims",
          "expected labels of shape [N], found " + Arrays.toString(labels.dims()),
          INSTALL_HINT);
    }
    if (images.count() != labels.count()) {
      throw new IdxFormatException(
          labelsPath,
          4,
          "dim0",
          labels.count()
              + " labels but "
              + imagesPath.getFileName()
              + " has "
              + images.count()
              + " images",
          INSTALL_HINT);
    }
    byte[] lab = labels.data();
    for (int i = 0; i < lab.length; i++) {
      if ((lab[i] & 0xff) >= CLASS_NAMES.size()) {
        throw new IdxFormatException(
            labelsPath,
            8 + i,
            "data",
            "label " + (lab[i] & 0xff) + " of item " + i + " is not a class in 0..9",
            INSTALL_HINT);
      }
    }
    log.info(
        "Fashion-MNIST {}: {} images from {} in {} ms",
        split,
        images.count(),
        dir,
        (System.nanoTime() - t0) / 1_000_000);
    return new FashionMnist(dir, split, images.data(), lab);
  }

  /** Which split this is. */
  public Split split() {
    return split;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public Image image(int i) {
    float[] out = new float[SIDE * SIDE];
    int base = checkIndex(i) * SIDE * SIDE;
    for (int k = 0; k < out.length; k++) {
      out[k] = (pixels[base + k] & 0xff) * (1f / 255f);
    }
    return new Image(1, SIDE, SIDE, out);
  }

  /** The raw byte value 0..255 of image {@code i} at row {@code y}, column {@code x}. */
  public int rawPixel(int i, int y, int x) {
    return pixels[(checkIndex(i) * SIDE + y) * SIDE + x] & 0xff;
  }

  @Override
  public int label(int i) {
    return labels[checkIndex(i)] & 0xff;
  }

  @Override
  public int numClasses() {
    return CLASS_NAMES.size();
  }

  @Override
  public List<String> classNames() {
    return CLASS_NAMES;
  }

  @Override
  public String source() {
    return dir.resolve(split.imagesFile()).toString();
  }

  private int checkIndex(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("image index " + i + " not in [0, " + count + ")");
    }
    return i;
  }
}
