package org.beit4j.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.datavec.image.loader.ImageLoader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images in an ImageNet-style tree {@code root/<class>/<image>}: every sub-directory of {@code
 * root} is a class (sorted by name, index = label), every JPEG/PNG/BMP/GIF file in it an image of
 * any size, RGB or grey. Images are decoded on demand with DataVec's pure-Java {@link ImageLoader}
 * (ImageIO; no OpenCV natives needed).
 *
 * <p>Every image comes out with {@code channels} channels: grey files are replicated to RGB when
 * {@code channels == 3}, colour files are turned into luma (0.299 R + 0.587 G + 0.114 B) when
 * {@code channels == 1}. A file that cannot be decoded, or a JPEG/PNG whose end marker is missing
 * (a truncated download), raises a {@link DatasetException} naming the file; {@link
 * ImageBatchIterator} then fails or skips it according to {@link BadImagePolicy}.
 */
public final class ImageFolder implements ImageDataset {

  private static final Logger log = LoggerFactory.getLogger(ImageFolder.class);
  private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

  private final Path root;
  private final int channels;
  private final List<String> classNames;
  private final List<Path> files;
  private final int[] labels;

  private ImageFolder(
      Path root, int channels, List<String> classNames, List<Path> files, int[] labels) {
    this.root = root;
    this.channels = channels;
    this.classNames = List.copyOf(classNames);
    this.files = List.copyOf(files);
    this.labels = labels;
  }

  /**
   * Scans {@code root/<class>/<image>}; classes and files are sorted by name so indices are stable.
   *
   * @param root the directory holding one sub-directory per class
   * @param channels 1 (grey) or 3 (RGB), the channels every image is converted to
   * @throws DatasetException if {@code root} is not a directory or holds no images
   */
  public static ImageFolder open(Path root, int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (!Files.isDirectory(root)) {
      throw new DatasetException(
          root + ": not a directory. Expected an image folder root/<class>/<image>.");
    }
    List<String> classNames = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        List<Path> images;
        try (Stream<Path> entries = Files.list(dir)) {
          images = entries.filter(ImageFolder::isImageFile).sorted().toList();
        }
        if (images.isEmpty()) {
          log.warn("{}: no images, not used as a class", dir);
          continue;
        }
        for (Path f : images) {
          files.add(f);
          labels.add(classNames.size());
        }
        classNames.add(dir.getFileName().toString());
      }
    } catch (IOException e) {
      throw new DatasetException(root + ": cannot list the image folder (" + e + ")", e);
    }
    if (files.isEmpty()) {
      throw new DatasetException(
          root + ": no images found. Expected root/<class>/<image> with extensions " + EXTENSIONS);
    }
    log.info("Image folder {}: {} images in {} classes", root, files.size(), classNames.size());
    return new ImageFolder(
        root, channels, classNames, files, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean isImageFile(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  /** The file of image {@code i}. */
  public Path file(int i) {
    return files.get(i);
  }

  /** The channels every image is converted to. */
  public int channels() {
    return channels;
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public Image image(int i) {
    return decode(files.get(i), channels);
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public int numClasses() {
    return classNames.size();
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public String source() {
    return root.toString();
  }

  /**
   * Decodes one image file into {@code channels} channels with values in [0, 1].
   *
   * @throws DatasetException naming the file if it cannot be read, is truncated or not an image
   */
  public static Image decode(Path file, int channels) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read the image file (" + e + ")", e);
    }
    checkComplete(file, bytes);
    INDArray bgr; // [1, 3, H, W], values 0..255, channel order B, G, R
    try {
      bgr = new ImageLoader(-1, -1, 3).asMatrix(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file + ": not a decodable image (" + e + ")", e);
    }
    int h = (int) bgr.size(2);
    int w = (int) bgr.size(3);
    float[] src = bgr.dup().data().asFloat();
    int plane = h * w;
    float[] out = new float[channels * plane];
    float s = 1f / 255f;
    for (int k = 0; k < plane; k++) {
      float b = src[k] * s;
      float g = src[plane + k] * s;
      float r = src[2 * plane + k] * s;
      if (channels == 3) {
        out[k] = r;
        out[plane + k] = g;
        out[2 * plane + k] = b;
      } else {
        out[k] = 0.299f * r + 0.587f * g + 0.114f * b;
      }
    }
    return new Image(channels, h, w, out);
  }

  /**
   * ImageIO decodes a truncated JPEG/PNG silently as grey; the missing end marker gives it away.
   */
  private static void checkComplete(Path file, byte[] b) {
    int n = b.length;
    boolean jpeg = n >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8;
    boolean png = n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    if (jpeg && !endsWithJpegEoi(b)) {
      throw new DatasetException(
          file
              + ": truncated JPEG (no end-of-image marker FF D9 in its last bytes, "
              + n
              + " bytes)");
    }
    if (png && !containsIend(b)) {
      throw new DatasetException(
          file + ": truncated PNG (no IEND chunk at its end, " + n + " bytes)");
    }
  }

  private static boolean endsWithJpegEoi(byte[] b) {
    // allow a little padding after the marker, as some cameras write
    for (int i = b.length - 2; i >= Math.max(0, b.length - 64); i--) {
      if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsIend(byte[] b) {
    for (int i = b.length - 8; i >= Math.max(0, b.length - 64); i--) {
      if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
        return true;
      }
    }
    return false;
  }
}
