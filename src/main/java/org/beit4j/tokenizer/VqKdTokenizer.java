package org.beit4j.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.beit4j.Beit4j;
import org.beit4j.data.InputContract;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.Manifest;
import org.beit4j.io.Provenance;
import org.beit4j.quantizer.Codebook;
import org.beit4j.quantizer.CodebookHealth;
import org.beit4j.teacher.Teacher;
import org.beit4j.train.ProgressBar;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trained VQ-KD visual tokenizer of BEiT v2 (seed article section 1.2): images to one code per
 * patch, and codes back to the teacher's feature space.
 *
 * <pre>{@code
 * VqKdTokenizer tok = VqKdTokenizer.train(VqKdConfig.fashionMnist(), teacher, batches, "fmnist");
 * int[][] codes = tok.tokenize(images);        // [B][N]
 * tok.save(Path.of("runs/tokenizer"));
 * }</pre>
 *
 * <p>Files written by {@link #save}: {@code graph.sdz} (the SameDiff graph with the codebook, no
 * updater state), {@code vqkd.properties} (the config), {@code codebook/} (codebook and EMA state,
 * {@link Codebook#save}) and {@code provenance.properties} (teacher, data, seed, steps).
 */
public final class VqKdTokenizer implements VisualTokenizer {

  static {
    Beit4j.init();
  }

  private static final String GRAPH_FILE = "graph.sdz";

  /** The artefact kind of a saved VQ-KD tokenizer (its manifest and error messages). */
  public static final String KIND = "vqkd-tokenizer";

  /** Format version of the saved directory (see {@link Manifest}). */
  public static final int FORMAT_VERSION = 1;

  /**
   * Training statistics averaged over the {@code logEvery} steps ending at {@code step}.
   *
   * @param distill mean {@code 1 - cos(o, t)}, first term of eq. (2)
   * @param commitment {@code beta * ||l2(h) - sg(e)||^2} (per element)
   * @param cosine {@code 1 - distill}, mean cosine similarity to the teacher
   * @param usedFraction share of codes chosen at least once in the window
   * @param perplexity of the code usage in the window
   * @param reseeded dead codes re-seeded in the window
   * @param msPerStep wall time per step (gradient step + codebook update)
   */
  public record StepLog(
      int step,
      double distill,
      double commitment,
      double cosine,
      double usedFraction,
      double perplexity,
      int reseeded,
      double msPerStep) {

    @Override
    public String toString() {
      return String.format(
          "step %d: distill %.4f commit %.4f cos %.4f used %.1f%% ppl %.1f reseeded %d %.0f ms/step",
          step, distill, commitment, cosine, 100 * usedFraction, perplexity, reseeded, msPerStep);
    }
  }

  /** Dataset-wide statistics: code usage and cosine similarity of the decoder to the teacher. */
  public record Evaluation(CodebookHealth health, double cosine, long images) {}

  private final VqKdConfig config;
  private final SameDiff sd;
  private final Codebook codebook; // EMA state, null in Euclidean mode
  private final Provenance provenance;
  private final List<StepLog> history;
  private SameDiff decoder;

  private VqKdTokenizer(
      VqKdConfig config,
      SameDiff sd,
      Codebook codebook,
      Provenance provenance,
      List<StepLog> history) {
    this.config = config;
    this.sd = sd;
    this.codebook = codebook;
    this.provenance = provenance;
    this.history = List.copyOf(history);
  }

  /** Trains with a progress bar on standard error. */
  public static VqKdTokenizer train(
      VqKdConfig config, Teacher teacher, MultiDataSetIterator data, String dataDescription) {
    try (ProgressBar bar = new ProgressBar("tokenizer", config.steps(), "img")) {
      return train(config, teacher, data, dataDescription, bar, null);
    }
  }

  /**
   * Trains a tokenizer for {@code config.steps()} batches of {@code data} (its {@code features[0]},
   * images {@code [B, C, H, W]} in [0, 1]; reset when exhausted).
   *
   * @param bar progress bar to advance, or null
   * @param onLog called with every {@link StepLog}, or null
   * @throws IllegalArgumentException if the teacher's grid or width does not fit the config, or the
   *     images are not of the encoder's size
   */
  public static VqKdTokenizer train(
      VqKdConfig config,
      Teacher teacher,
      MultiDataSetIterator data,
      String dataDescription,
      ProgressBar bar,
      Consumer<StepLog> onLog) {
    return new VqKdTrainer(config, teacher, data, bar, onLog).run(dataDescription);
  }

  /** A freshly trained tokenizer ({@link VqKdTraining#tokenizer}) with its provenance. */
  static VqKdTokenizer trained(
      VqKdConfig config,
      SameDiff sd,
      Codebook codebook,
      List<StepLog> logs,
      String teacherId,
      String dataDescription) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("teacher", teacherId);
    if (!logs.isEmpty()) {
      StepLog last = logs.get(logs.size() - 1);
      extra.put("final", last.toString());
    }
    extra.putAll(
        InputContract.raw(config.encoder().imageSize(), config.encoder().channels())
            .toProperties());
    Provenance p =
        Provenance.of("tokenizer", config, dataDescription, config.seed(), config.steps(), extra);
    return new VqKdTokenizer(config, sd, codebook, p, logs);
  }

  /**
   * Visual tokens of a batch: eq. (1) on the encoder output of every patch.
   *
   * @param images {@code [B, C, H, W]} in [0, 1]
   * @return {@code [B][N]} code indices, patches in row-major order
   */
  @Override
  public int[][] tokenize(INDArray images) {
    config.checkImages(images);
    INDArray idx = run(images, VqKdGraph.INDICES); // [M]
    int n = config.numPatches();
    int[] flat = idx.toIntVector();
    int[][] out = new int[flat.length / n][];
    for (int b = 0; b < out.length; b++) {
      out[b] = Arrays.copyOfRange(flat, b * n, (b + 1) * n);
    }
    return out;
  }

  /**
   * The vectors the codes are matched to: {@code l2(h)} (or {@code h} in Euclidean mode).
   *
   * @param images {@code [B, C, H, W]} in [0, 1]
   * @return {@code [B, N, d]}
   */
  public INDArray encode(INDArray images) {
    config.checkImages(images);
    INDArray h = run(images, VqKdGraph.QUANTIZER_INPUT); // [M, d]
    return h.reshape('c', images.size(0), config.numPatches(), config.quantizer().codeDim());
  }

  /**
   * The decoder's reconstruction of the teacher features from codes.
   *
   * @param codes {@code [B][N]} code indices
   * @return {@code [B, N, Dt]}
   */
  public synchronized INDArray decode(int[][] codes) {
    int n = config.numPatches();
    int k = config.quantizer().codebookSize();
    int[] flat = new int[codes.length * n];
    for (int b = 0; b < codes.length; b++) {
      if (codes[b].length != n) {
        throw new IllegalArgumentException(
            "image " + b + " has " + codes[b].length + " codes; expected " + n);
      }
      for (int i = 0; i < n; i++) {
        if (codes[b][i] < 0 || codes[b][i] >= k) {
          throw new IllegalArgumentException(
              "code " + codes[b][i] + " of image " + b + " is outside [0, " + k + ")");
        }
        flat[b * n + i] = codes[b][i];
      }
    }
    if (decoder == null) {
      decoder = VqKdGraph.buildDecoder(config, sd.getArrForVarName(VqKdGraph.CODEBOOK));
    }
    for (var v : decoder.variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE
          || v.name().equals(VqKdGraph.CODEBOOK)) {
        v.getArr().assign(sd.getArrForVarName(v.name()));
      }
    }
    INDArray in = Nd4j.createFromArray(flat).reshape(codes.length, n);
    INDArray o = decoder.outputSingle(Map.of(VqKdGraph.CODES, in), VqKdGraph.OUTPUT); // [M, Dt]
    return o.reshape('c', codes.length, n, config.teacherDim());
  }

  /** Code usage over every batch of {@code data} (one pass, {@code features[0]} = images). */
  public CodebookHealth health(MultiDataSetIterator data) {
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(codebookSize());
    data.reset();
    while (data.hasNext()) {
      for (int[] row : tokenize(data.next().getFeatures(0))) {
        acc.add(row);
      }
    }
    return acc.health();
  }

  /** Code usage and mean cosine similarity to {@code teacher} over one pass of {@code data}. */
  public Evaluation evaluate(MultiDataSetIterator data, Teacher teacher) {
    config.checkTeacher(teacher);
    CodebookHealth.Accumulator acc = new CodebookHealth.Accumulator(codebookSize());
    double cosSum = 0;
    long images = 0;
    data.reset();
    while (data.hasNext()) {
      INDArray x = data.next().getFeatures(0).castTo(DataType.FLOAT); // [B, C, H, W]
      config.checkImages(x);
      INDArray t = teacher.patchFeatures(x).castTo(DataType.FLOAT); // [B, N, Dt]
      Map<String, INDArray> out = runWithTeacher(x, t);
      acc.add(out.get(VqKdGraph.INDICES).toIntVector());
      cosSum += (1 - out.get(VqKdGraph.DISTILL).getDouble(0)) * x.size(0);
      images += x.size(0);
    }
    return new Evaluation(acc.health(), images == 0 ? 0 : cosSum / images, images);
  }

  /** Writes the tokenizer into {@code dir} atomically (replacing an existing one). */
  public void save(Path dir) {
    AtomicFiles.write(
        dir,
        tmp -> {
          Files.createDirectories(tmp);
          sd.save(tmp.resolve(GRAPH_FILE).toFile(), false);
          VqKdConfigFile.write(config, tmp);
          if (codebook != null) {
            codebook.save(tmp.resolve("codebook"));
          }
          provenance.save(tmp);
          Manifest.writeDir(tmp, KIND, FORMAT_VERSION);
        });
  }

  /**
   * Reads a tokenizer written by {@link #save} from its directory (or a file in it), checking its
   * manifest.
   *
   * @throws org.beit4j.io.ArtefactException if {@code dir} is not such a directory or a file is
   *     missing, truncated, corrupted or invalid
   */
  public static VqKdTokenizer load(Path dir) {
    return Manifest.load(dir, KIND, FORMAT_VERSION, true, GRAPH_FILE, VqKdTokenizer::read);
  }

  private static VqKdTokenizer read(Path dir) {
    try {
      VqKdConfig config = VqKdConfigFile.read(dir);
      Path graph = dir.resolve(GRAPH_FILE);
      if (!Files.isRegularFile(graph)) {
        throw new IllegalArgumentException("No " + GRAPH_FILE + " in " + dir.toAbsolutePath());
      }
      SameDiff sd;
      try {
        sd = SameDiff.load(graph.toFile(), false);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "Not a valid SameDiff graph: " + graph.toAbsolutePath() + " (" + e + ")", e);
      }
      Path cb = dir.resolve("codebook");
      Codebook codebook = Files.isDirectory(cb) ? Codebook.load(cb) : null;
      return new VqKdTokenizer(config, sd, codebook, Provenance.load(dir), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the tokenizer in " + dir.toAbsolutePath(), e);
    }
  }

  @Override
  public int codebookSize() {
    return config.quantizer().codebookSize();
  }

  @Override
  public int gridSize() {
    return config.gridSize();
  }

  @Override
  public String id() {
    return "vqkd:" + provenance.created() + ":" + config.quantizer().codebookSize();
  }

  public VqKdConfig config() {
    return config;
  }

  public Provenance provenance() {
    return provenance;
  }

  /** The training logs (empty for a loaded tokenizer). */
  public List<StepLog> history() {
    return history;
  }

  /** A copy of the codebook as the graph uses it, {@code [K, d]}. */
  public INDArray codebook() {
    return sd.getArrForVarName(VqKdGraph.CODEBOOK).dup();
  }

  /** The graph (for inspection; do not train it further by hand). */
  public SameDiff graph() {
    return sd;
  }

  private synchronized Map<String, INDArray> runWithTeacher(INDArray images, INDArray t) {
    return sd.output(
        Map.of(VqKdGraph.IMAGES, images, VqKdGraph.TEACHER, t),
        VqKdGraph.INDICES,
        VqKdGraph.DISTILL);
  }

  private synchronized INDArray run(INDArray images, String name) {
    return sd.outputSingle(Map.of(VqKdGraph.IMAGES, images.castTo(DataType.FLOAT)), name);
  }

  /** Raw pixels {@code [B, C, S, S]} in [0, 1]; {@code inputContract().prepare(images)}. */
  public InputContract inputContract() {
    return InputContract.raw(config.encoder().imageSize(), config.encoder().channels());
  }
}
