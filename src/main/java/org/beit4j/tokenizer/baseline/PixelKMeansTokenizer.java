package org.beit4j.tokenizer.baseline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Manifest;
import org.beit4j.io.NamedArrays;
import org.beit4j.io.Provenance;
import org.beit4j.quantizer.CosineKMeans;
import org.beit4j.quantizer.EuclideanKMeans;
import org.beit4j.tokenizer.VisualTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Visual tokens from k-means over raw pixel patches: BEiT v1-like low-level targets, the "pixel
 * cluster tokens" baseline against VQ-KD's semantic ones.
 *
 * <p>A patch is flattened as {@code (c, y, x)} (the ViT's layout), its mean is subtracted and,
 * optionally, it is divided by its standard deviation ({@code + 1e-6}, MAE's normalised pixels).
 * Tokens are the nearest centre in Euclidean distance ({@link EuclideanKMeans}). Cosine k-means
 * ({@link CosineKMeans}) would be wrong here: after mean-centring, flat patches (most of a
 * Fashion-MNIST image) are the zero vector, whose direction is undefined, and contrast, which
 * distinguishes a faint edge from a strong one, would be thrown away.
 */
public final class PixelKMeansTokenizer implements VisualTokenizer {

  static {
    Beit4j.init();
  }

  private static final String CENTRES = "centres";
  private static final String META = "meta";
  private static final String FILE = "pixel-kmeans.bin";

  /** The artefact kind of a saved pixel k-means tokenizer (its manifest and error messages). */
  public static final String KIND = "pixel-kmeans-tokenizer";

  /** Format version of the saved directory (see {@link Manifest}). */
  public static final int FORMAT_VERSION = 1;

  private final INDArray centres; // [K, C*P*P]
  private final int imageSize;
  private final int patchSize;
  private final int channels;
  private final boolean normalise;

  private PixelKMeansTokenizer(
      INDArray centres, int imageSize, int patchSize, int channels, boolean normalise) {
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "patchSize " + patchSize + " does not divide imageSize " + imageSize);
    }
    if (centres.rank() != 2 || centres.size(1) != (long) channels * patchSize * patchSize) {
      throw new IllegalArgumentException(
          "centres must be [K, "
              + channels * patchSize * patchSize
              + "] but are "
              + Arrays.toString(centres.shape()));
    }
    this.centres = centres.castTo(DataType.FLOAT);
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.channels = channels;
    this.normalise = normalise;
  }

  /**
   * Fits {@code k} centres to the patches of {@code images}.
   *
   * @param images {@code [B, C, H, W]} in [0, 1], {@code H = W}
   * @param normalise divide each centred patch by its standard deviation
   */
  public static PixelKMeansTokenizer fit(
      INDArray images, int patchSize, int k, boolean normalise, int iterations, long seed) {
    checkImages(images);
    int size = (int) images.size(2);
    int c = (int) images.size(1);
    INDArray patches = patches(images, patchSize, normalise); // [B*N, C*P*P]
    if (patches.size(0) < k) {
      throw new IllegalArgumentException(
          "k-means with k=" + k + " needs at least k patches but got " + patches.size(0));
    }
    INDArray centres = EuclideanKMeans.fit(patches, k, iterations, seed);
    return new PixelKMeansTokenizer(centres, size, patchSize, c, normalise);
  }

  private static void checkImages(INDArray images) {
    if (images.rank() != 4 || images.size(2) != images.size(3)) {
      throw new IllegalArgumentException(
          "images must be [B, C, H, H] but are " + Arrays.toString(images.shape()));
    }
  }

  /**
   * Flattened, centred (and optionally normalised) patches in row-major patch order.
   *
   * @param images {@code [B, C, H, W]}
   * @return {@code [B*N, C*P*P]} float
   */
  public static INDArray patches(INDArray images, int patchSize, boolean normalise) {
    long b = images.size(0);
    long c = images.size(1);
    long g = images.size(2) / patchSize;
    INDArray x =
        images.castTo(DataType.FLOAT).dup('c').reshape('c', b, c, g, patchSize, g, patchSize);
    x = x.permute(0, 2, 4, 1, 3, 5).dup('c').reshape('c', b * g * g, c * patchSize * patchSize);
    INDArray mean = x.mean(true, 1); // [M, 1]
    x.subiColumnVector(mean);
    if (normalise) {
      INDArray std =
          org.nd4j.linalg.ops.transforms.Transforms.sqrt(x.mul(x).mean(true, 1), false)
              .addi(1e-6); // [M, 1]
      x.diviColumnVector(std);
    }
    return x;
  }

  @Override
  public int[][] tokenize(INDArray images) {
    if (images.rank() != 4
        || images.size(1) != channels
        || images.size(2) != imageSize
        || images.size(3) != imageSize) {
      throw new IllegalArgumentException(
          "this tokenizer expects [B, "
              + channels
              + ", "
              + imageSize
              + ", "
              + imageSize
              + "] images but got "
              + Arrays.toString(images.shape()));
    }
    int b = (int) images.size(0);
    int n = gridSize() * gridSize();
    int[] flat = EuclideanKMeans.assign(patches(images, patchSize, normalise), centres);
    int[][] out = new int[b][n];
    for (int i = 0; i < b; i++) {
      System.arraycopy(flat, i * n, out[i], 0, n);
    }
    return out;
  }

  @Override
  public int codebookSize() {
    return (int) centres.size(0);
  }

  @Override
  public int gridSize() {
    return imageSize / patchSize;
  }

  @Override
  public String id() {
    return "pixel-kmeans:" + codebookSize() + (normalise ? ":norm" : "") + ":p" + patchSize;
  }

  /** The centres {@code [K, C*P*P]} (a copy). */
  public INDArray centres() {
    return centres.dup();
  }

  /** Saves to a directory (atomically): centres, shape and provenance. */
  public Path save(Path dir) {
    return AtomicFiles.write(
        dir,
        tmp -> {
          Files.createDirectories(tmp);
          Map<String, INDArray> arrays = new LinkedHashMap<>();
          arrays.put(CENTRES, centres);
          arrays.put(META, Nd4j.createFromArray(imageSize, patchSize, channels, normalise ? 1 : 0));
          NamedArrays.write(tmp.resolve(FILE), arrays);
          Provenance.of(KIND, id(), "", 0, 0, Map.of()).save(tmp);
          Manifest.writeDir(tmp, KIND, FORMAT_VERSION);
        });
  }

  /**
   * Loads a tokenizer written by {@link #save} from its directory (or a file in it), checking its
   * manifest.
   *
   * @throws org.beit4j.io.ArtefactException naming the path and what is wrong
   */
  public static PixelKMeansTokenizer load(Path dir) {
    return Manifest.load(
        dir,
        KIND,
        FORMAT_VERSION,
        true,
        FILE,
        d -> {
          Map<String, INDArray> arrays = NamedArrays.read(d.resolve(FILE));
          if (arrays.get(CENTRES) == null || arrays.get(META) == null) {
            throw new IOException(FILE + " has no " + CENTRES + " or " + META);
          }
          int[] m = arrays.get(META).toIntVector();
          return new PixelKMeansTokenizer(arrays.get(CENTRES), m[0], m[1], m[2], m[3] != 0);
        });
  }
}
