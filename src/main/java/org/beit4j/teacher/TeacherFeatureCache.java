package org.beit4j.teacher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.beit4j.data.Image;
import org.beit4j.data.ImageDataset;
import org.beit4j.data.ImageTransform;
import org.beit4j.data.TransformConfig;
import org.beit4j.io.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teacher patch features on disk, for tokenizer training without augmentation: a teacher is far
 * more expensive than a lookup, and un-augmented images give the same features every epoch.
 *
 * <p>Entries are keyed by (teacher id, dataset source and size, transform description, image
 * index): the directory {@code root/<hash of the first three>} holds {@code key.txt} (the key in
 * words) and one file per chunk of {@code chunkSize} consecutive images, {@code chunk-00003.f32}: a
 * header of four little-endian ints {@code (magic, count, N, Dt)} then {@code count * N * Dt}
 * floats. A chunk is computed the first time any of its images is asked for and written atomically;
 * files are memory-mapped when read. A different teacher (its id changes with its weights), dataset
 * or transform gets a different directory, so stale features are never reused. Random transforms
 * are refused: their features differ every epoch.
 */
public final class TeacherFeatureCache {

  /** Images per chunk file by default. */
  public static final int DEFAULT_CHUNK = 1024;

  private static final int MAGIC = 0x42344654; // "B4FT"
  private static final int HEADER_BYTES = 16;
  private static final int TEACHER_BATCH = 256;
  private static final Logger log = LoggerFactory.getLogger(TeacherFeatureCache.class);

  private final Teacher teacher;
  private final ImageDataset data;
  private final ImageTransform transform;
  private final int chunkSize;
  private final int tokens;
  private final int dim;
  private final String key;
  private final Path dir;
  private final Map<Integer, FloatBuffer> chunks = new HashMap<>();
  private long computedImages;

  /**
   * @param teacher the frozen teacher
   * @param data the images, indexed as in {@link ImageDataset#image}
   * @param transform a deterministic transform giving the teacher's input ({@code [C, S, S]} pixels
   *     in [0, 1]): no random crop, no flips
   * @param root where cache directories go (e.g. {@code ~/.cache/beit4j/teacher-features})
   * @param chunkSize images per file, >= 1
   * @throws IllegalArgumentException if the transform is random or chunkSize < 1
   */
  public TeacherFeatureCache(
      Teacher teacher, ImageDataset data, TransformConfig transform, Path root, int chunkSize) {
    if (transform.randomCrop() || transform.flipProbability() > 0) {
      throw new IllegalArgumentException(
          "TeacherFeatureCache is for un-augmented training, but the transform is random ("
              + transform
              + "); use TransformConfig.plain(...) or compute teacher features per batch");
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.teacher = teacher;
    this.data = data;
    this.transform = transform.build();
    this.chunkSize = chunkSize;
    this.tokens = teacher.gridSize() * teacher.gridSize();
    this.dim = teacher.featureDim();
    this.key =
        "teacher="
            + teacher.id()
            + "\ndata="
            + data.source()
            + " ("
            + data.size()
            + " images)\ntransform="
            + transform
            + "\nchunkSize="
            + chunkSize
            + "\n";
    this.dir = root.resolve(sha256(key).substring(0, 20));
  }

  /** A cache with {@value #DEFAULT_CHUNK} images per file. */
  public static TeacherFeatureCache of(
      Teacher teacher, ImageDataset data, TransformConfig transform, Path root) {
    return new TeacherFeatureCache(teacher, data, transform, root, DEFAULT_CHUNK);
  }

  /**
   * Teacher features of the given images, computed and stored for any chunk not on disk yet.
   *
   * @param indices image indices into the dataset, any order, repeats allowed
   * @return {@code [n, N, Dt]} float, row {@code k} = features of image {@code indices[k]}
   */
  public synchronized INDArray features(int[] indices) {
    int per = tokens * dim;
    float[] out = new float[indices.length * per];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= data.size()) {
        throw new IndexOutOfBoundsException(
            "image index " + i + " not in [0, " + data.size() + ") of " + data.source());
      }
      FloatBuffer chunk = chunk(i / chunkSize);
      chunk.get((i % chunkSize) * per, out, k * per, per);
    }
    return Nd4j.create(out, new long[] {indices.length, tokens, dim}, DataType.FLOAT);
  }

  /** The directory of this key's files. */
  public Path directory() {
    return dir;
  }

  /** The key in words (also in {@code key.txt}). */
  public String key() {
    return key;
  }

  /** Images this instance has run through the teacher (0 when everything came from disk). */
  public synchronized long computedImages() {
    return computedImages;
  }

  private FloatBuffer chunk(int c) {
    FloatBuffer buf = chunks.get(c);
    if (buf != null) {
      return buf;
    }
    int first = c * chunkSize;
    int count = Math.min(chunkSize, data.size() - first);
    Path file = dir.resolve(String.format("chunk-%05d.f32", c));
    buf = Files.isRegularFile(file) ? map(file, count) : null;
    if (buf == null) {
      write(file, compute(first, count), count);
      buf = map(file, count);
      if (buf == null) {
        throw new IllegalStateException(
            "Cache file " + file + " is unreadable right after writing");
      }
    }
    chunks.put(c, buf);
    return buf;
  }

  private float[] compute(int first, int count) {
    float[] out = new float[count * tokens * dim];
    SplittableRandom unused = new SplittableRandom(0); // the transform is deterministic
    for (int start = 0; start < count; start += TEACHER_BATCH) {
      int n = Math.min(TEACHER_BATCH, count - start);
      Image im0 = transform.apply(data.image(first + start), unused);
      int size = im0.size();
      float[] px = new float[n * size];
      System.arraycopy(im0.pixels(), 0, px, 0, size);
      for (int j = 1; j < n; j++) {
        Image im = transform.apply(data.image(first + start + j), unused);
        System.arraycopy(im.pixels(), 0, px, j * size, size);
      }
      INDArray images =
          Nd4j.create(
              px, new long[] {n, im0.channels(), im0.height(), im0.width()}, DataType.FLOAT);
      float[] f = teacher.patchFeatures(images).castTo(DataType.FLOAT).dup('c').data().asFloat();
      System.arraycopy(f, 0, out, start * tokens * dim, n * tokens * dim);
    }
    computedImages += count;
    return out;
  }

  private void write(Path file, float[] values, int count) {
    try {
      Files.createDirectories(dir);
      Path keyFile = dir.resolve("key.txt");
      if (!Files.exists(keyFile)) {
        AtomicFiles.write(keyFile, t -> Files.writeString(t, key, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the feature cache " + dir, e);
    }
    ByteBuffer bytes =
        ByteBuffer.allocate(HEADER_BYTES + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putInt(MAGIC).putInt(count).putInt(tokens).putInt(dim);
    bytes.asFloatBuffer().put(values);
    AtomicFiles.write(file, t -> Files.write(t, bytes.array()));
    log.debug("Cached teacher features of {} images in {}", count, file);
  }

  /** Maps a chunk file, or returns null if its header does not fit (then it is recomputed). */
  private FloatBuffer map(Path file, int count) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long expected = HEADER_BYTES + 4L * count * tokens * dim;
      if (ch.size() != expected) {
        log.warn("Cache file {} has {} bytes, expected {}: recomputing", file, ch.size(), expected);
        return null;
      }
      ByteBuffer b =
          ch.map(FileChannel.MapMode.READ_ONLY, 0, expected).order(ByteOrder.LITTLE_ENDIAN);
      if (b.getInt(0) != MAGIC
          || b.getInt(4) != count
          || b.getInt(8) != tokens
          || b.getInt(12) != dim) {
        log.warn("Cache file {} has a header that does not fit: recomputing", file);
        return null;
      }
      return b.position(HEADER_BYTES).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the feature cache file " + file, e);
    }
  }

  private static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
