package org.beit4j.quantizer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import org.beit4j.Beit4j;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VQ-KD codebook {@code {e_1, ..., e_K}} (seed article section 1.2) and everything done to it
 * outside the gradient step: nearest-code search (eq. (1)), the EMA update ({@link
 * CodebookEma#normEma}), k-means initialisation ({@link CosineKMeans}), dead-code re-seeding, and
 * save/load. Rows are kept l2-normalised. Not thread-safe.
 */
public final class Codebook {

  private static final Logger log = LoggerFactory.getLogger(Codebook.class);
  private static final int SEARCH_CHUNK = 512;

  static {
    Beit4j.init();
  }

  private final QuantizerConfig config;
  private final INDArray embeddings; // [K, d]
  private final INDArray clusterSize; // [K]
  private final long[] lastUsed; // update step at which each code was last assigned
  private final long seed;
  private long step;

  private Codebook(
      QuantizerConfig config,
      INDArray embeddings,
      INDArray clusterSize,
      long[] lastUsed,
      long seed,
      long step) {
    long[] expected = {config.codebookSize(), config.codeDim()};
    if (!Arrays.equals(embeddings.shape(), expected)) {
      throw new IllegalArgumentException(
          "embeddings have shape "
              + Arrays.toString(embeddings.shape())
              + " but the config asks for "
              + Arrays.toString(expected));
    }
    this.config = config;
    this.embeddings = normaliseRows(embeddings);
    this.clusterSize = clusterSize;
    this.lastUsed = lastUsed;
    this.seed = seed;
    this.step = step;
  }

  /** A codebook with the given rows (normalised here, copied). */
  public static Codebook of(QuantizerConfig config, INDArray embeddings, long seed) {
    DataType t = embeddings.dataType();
    return new Codebook(
        config,
        embeddings,
        Nd4j.zeros(t, config.codebookSize()),
        new long[config.codebookSize()],
        seed,
        0);
  }

  /** Gaussian rows, l2-normalised: the official initialisation without k-means. */
  public static Codebook random(QuantizerConfig config, DataType type, long seed) {
    Random r = new Random(seed);
    double[][] e = new double[config.codebookSize()][config.codeDim()];
    for (double[] row : e) {
      for (int c = 0; c < row.length; c++) {
        row[c] = r.nextGaussian();
      }
    }
    return of(config, CodebookEma.matrix(e, type), seed);
  }

  /**
   * The codebook the config asks for: {@link CosineKMeans} on {@code firstBatch} if {@code
   * kmeansInit}, else {@link #random}.
   *
   * @param firstBatch {@code [M, d]} encoder outputs
   */
  public static Codebook init(QuantizerConfig config, INDArray firstBatch, long seed) {
    checkWidth(config, firstBatch);
    if (!config.kmeansInit()) {
      return random(config, firstBatch.dataType(), seed);
    }
    CosineKMeans.Result km =
        CosineKMeans.fit(firstBatch, config.codebookSize(), CosineKMeans.DEFAULT_ITERATIONS, seed);
    log.debug(
        "k-means init: {} of {} clusters non-empty", countNonZero(km.sizes()), km.sizes().length);
    return of(config, km.centres(), seed);
  }

  /**
   * Eq. (1) by brute force: for each row of {@code h} the index of the code of largest cosine.
   *
   * @param h {@code [M, d]}
   * @return {@code M} indices in {@code [0, K)}
   */
  public int[] nearest(INDArray h) {
    checkWidth(config, h);
    INDArray hn = normaliseRows(h).castTo(embeddings.dataType()); // [M, d]
    int m = (int) hn.size(0);
    int[] out = new int[m];
    for (int from = 0; from < m; from += SEARCH_CHUNK) {
      int to = Math.min(m, from + SEARCH_CHUNK);
      INDArray chunk = hn.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c');
      // gemm with transB: 2-4x faster here than mmul with a transposed view
      INDArray cos = Nd4j.gemm(chunk, embeddings, false, true); // [chunk, K]
      int[] part = argmaxRows(cos);
      System.arraycopy(part, 0, out, from, part.length);
    }
    return out;
  }

  /**
   * One training-step update from a batch of encoder outputs and their codes: the official norm-EMA
   * ({@link CodebookEma#normEma}), then, if {@code deadCodeWindow > 0}, every code not assigned
   * during the last {@code deadCodeWindow} updates is replaced by a randomly chosen (distinct where
   * possible) row of {@code l2(h)}.
   *
   * @param h {@code [M, d]} encoder outputs (normalised here)
   * @param codes {@code M} indices, normally {@link #nearest}{@code (h)}
   * @return the number of codes re-seeded
   */
  public int update(INDArray h, int[] codes) {
    checkWidth(config, h);
    INDArray hn = normaliseRows(h).castTo(embeddings.dataType()); // [M, d]
    CodebookEma.normEma(embeddings, clusterSize, hn, codes, config.emaDecay());
    step++;
    for (int z : codes) {
      lastUsed[z] = step;
    }
    return config.deadCodeWindow() > 0 ? reseedDeadCodes(hn) : 0;
  }

  private int reseedDeadCodes(INDArray hn) {
    int m = (int) hn.size(0);
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    // One stream per step, so a loaded codebook re-seeds exactly as the saved one would have.
    Random random = new Random(seed * 1_000_003L + step);
    int used = 0;
    int reseeded = 0;
    for (int k = 0; k < lastUsed.length; k++) {
      if (step - lastUsed[k] < config.deadCodeWindow()) {
        continue;
      }
      if (used == m) {
        used = 0; // more dead codes than vectors: start a new permutation
      }
      int j = used + random.nextInt(m - used);
      int t = order[used];
      order[used] = order[j];
      order[j] = t;
      embeddings.putRow(k, hn.getRow(order[used]));
      used++;
      lastUsed[k] = step;
      reseeded++;
    }
    if (reseeded > 0) {
      log.debug("step {}: re-seeded {} dead codes", step, reseeded);
    }
    return reseeded;
  }

  /**
   * Writes the current rows into the graph constant made by {@link
   * VectorQuantizer#codebookConstant}.
   */
  public void copyTo(SameDiff sd, String varName) {
    sd.getArrForVarName(varName).assign(embeddings);
  }

  /** A copy of the code rows, {@code [K, d]}. */
  public INDArray embeddings() {
    return embeddings.dup();
  }

  /** A copy of the EMA of usage counts, {@code [K]}. */
  public INDArray clusterSize() {
    return clusterSize.dup();
  }

  /** The number of {@link #update} calls so far. */
  public long step() {
    return step;
  }

  public QuantizerConfig config() {
    return config;
  }

  /**
   * Saves the state into {@code dir}: {@code embeddings.npy}, {@code clusterSize.npy}, {@code
   * lastUsed.npy} and {@code codebook.properties} (config, seed, step).
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Nd4j.writeAsNumpy(embeddings, dir.resolve("embeddings.npy").toFile());
    Nd4j.writeAsNumpy(clusterSize, dir.resolve("clusterSize.npy").toFile());
    Nd4j.writeAsNumpy(Nd4j.createFromArray(lastUsed), dir.resolve("lastUsed.npy").toFile());
    Properties p = new Properties();
    p.setProperty("codebookSize", Integer.toString(config.codebookSize()));
    p.setProperty("codeDim", Integer.toString(config.codeDim()));
    p.setProperty("beta", Double.toString(config.beta()));
    p.setProperty("emaDecay", Double.toString(config.emaDecay()));
    p.setProperty("epsilon", Double.toString(config.epsilon()));
    p.setProperty("kmeansInit", Boolean.toString(config.kmeansInit()));
    p.setProperty("deadCodeWindow", Integer.toString(config.deadCodeWindow()));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("step", Long.toString(step));
    try (Writer w = Files.newBufferedWriter(dir.resolve("codebook.properties"))) {
      p.store(w, "beit4j VQ-KD codebook");
    }
  }

  /** Reads what {@link #save} wrote. */
  public static Codebook load(Path dir) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve("codebook.properties"))) {
      p.load(r);
    }
    QuantizerConfig config =
        new QuantizerConfig(
            Integer.parseInt(p.getProperty("codebookSize")),
            Integer.parseInt(p.getProperty("codeDim")),
            Double.parseDouble(p.getProperty("beta")),
            Double.parseDouble(p.getProperty("emaDecay")),
            Double.parseDouble(p.getProperty("epsilon")),
            Boolean.parseBoolean(p.getProperty("kmeansInit")),
            Integer.parseInt(p.getProperty("deadCodeWindow")));
    INDArray e = Nd4j.createFromNpyFile(dir.resolve("embeddings.npy").toFile());
    INDArray cs = Nd4j.createFromNpyFile(dir.resolve("clusterSize.npy").toFile());
    long[] lu = Nd4j.createFromNpyFile(dir.resolve("lastUsed.npy").toFile()).toLongVector();
    return new Codebook(
        config,
        e,
        cs.reshape(config.codebookSize()),
        lu,
        Long.parseLong(p.getProperty("seed")),
        Long.parseLong(p.getProperty("step")));
  }

  /**
   * {@code x} with each row divided by its norm (at least {@link VectorQuantizer#L2_EPS}); a copy.
   */
  static INDArray normaliseRows(INDArray x) {
    INDArray norms = Transforms.max(x.norm2(1), VectorQuantizer.L2_EPS, false); // [M]
    return x.divColumnVector(norms.reshape(x.size(0), 1)); // [M, d]
  }

  /** Row-wise argmax of {@code [M, K]} (first index on ties). */
  static int[] argmaxRows(INDArray scores) {
    return Nd4j.argMax(scores, 1).toIntVector();
  }

  private static void checkWidth(QuantizerConfig config, INDArray h) {
    if (h.rank() != 2 || h.size(1) != config.codeDim()) {
      throw new IllegalArgumentException(
          "h has shape "
              + Arrays.toString(h.shape())
              + " but the codebook has shape "
              + Arrays.toString(new long[] {config.codebookSize(), config.codeDim()})
              + ": expected h [M, "
              + config.codeDim()
              + "]");
    }
  }

  private static int countNonZero(long[] a) {
    int n = 0;
    for (long v : a) {
      if (v != 0) {
        n++;
      }
    }
    return n;
  }
}
