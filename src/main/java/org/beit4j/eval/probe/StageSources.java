package org.beit4j.eval.probe;

import java.util.ArrayList;
import java.util.List;
import org.beit4j.data.InputContract;
import org.beit4j.eval.BagOfVisualWords;
import org.beit4j.eval.FeatureSource;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages of a BEiT v2 run as {@link StageFeatures}, one forward pass per batch each. */
public final class StageSources {

  private static final Logger log = LoggerFactory.getLogger(StageSources.class);

  private StageSources() {}

  /** Raw pixels, flattened: the baseline, {@code [B, C*H*W]}. */
  public static StageFeatures pixels(int channels, int imageSize) {
    Representation r =
        Representation.of("pixels", "raw pixels, flattened", channels * imageSize * imageSize);
    FeatureSource flat = FeatureSource.pixels();
    return new StageFeatures("pixels", List.of(r), x -> List.of(flat.features(x)));
  }

  /**
   * The teacher's patch features {@code t} {@code [B, N, Dt]} three ways, each {@code [B, Dt]}: the
   * patch mean (what table row (c) probes), the patch mean l2-normalised per image (unit rows; k-NN
   * is cosine so only the probe can differ), and the mean of per-patch l2-normalised features (what
   * the cosine loss of eq. (2) keeps: the per-patch norms are gone).
   */
  public static StageFeatures teacher(Teacher teacher) {
    int dt = teacher.featureDim();
    List<Representation> parts =
        List.of(
            Representation.of("teacher", "the teacher's patch features, mean-pooled", dt),
            Representation.of(
                "teacher l2", "the mean-pooled features, l2-normalised per image", dt),
            Representation.of(
                "teacher l2 patches",
                "each patch l2-normalised, then mean-pooled: what the cosine target keeps",
                dt));
    return new StageFeatures(
        "teacher",
        parts,
        x -> {
          INDArray t = teacher.patchFeatures(x).castTo(DataType.FLOAT); // [B, N, Dt]
          INDArray mean = t.mean(1); // [B, Dt]
          return List.of(mean, l2Rows(mean), l2Last(t).mean(1)); // 3 x [B, Dt]
        });
  }

  /**
   * A tokenizer's codes of every patch {@code [B][N]}: the code map (one-hot per patch, flattened,
   * {@code [B, N*K]}; left out above {@code codeMapLimit} columns) and the bag of words ({@code [B,
   * K]}, {@link BagOfVisualWords#histogram}). A VQ-KD tokenizer adds the encoder's output before
   * the lookup of eq. (1) ({@code l2(h)}, patch mean, {@code [B, d]}) and the decoder's
   * reconstruction of the teacher from the codes (eq. (2)'s {@code o}, patch mean, {@code [B,
   * Dt]}).
   *
   * @param name the stage's name, e.g. "tokenizer" or "pixel tokenizer"
   * @param codeMapLimit the widest code map kept ({@code N*K} columns)
   */
  public static StageFeatures tokenizer(String name, VisualTokenizer tok, int codeMapLimit) {
    int n = tok.gridSize() * tok.gridSize();
    int k = tok.codebookSize();
    VqKdTokenizer vq = tok instanceof VqKdTokenizer v ? v : null;
    boolean map = (long) n * k <= codeMapLimit;
    if (!map) {
      log.warn(
          "{}: code map of {} x {} = {} columns left out (limit {})",
          name,
          n,
          k,
          n * k,
          codeMapLimit);
    }
    List<Representation> parts = new ArrayList<>();
    if (vq != null) {
      parts.add(
          Representation.of(
              name + " encoder",
              "encoder output before the lookup, l2(h), patch mean",
              vq.config().quantizer().codeDim()));
      parts.add(
          Representation.of(
              name + " decoder",
              "decoder's reconstruction of the teacher from the codes, patch mean",
              vq.config().teacherDim()));
    }
    if (map) {
      parts.add(
          Representation.of(name + " code map", "one-hot code of every patch, flattened", n * k));
    }
    parts.add(Representation.of(name + " bag", "histogram of the image's codes", k));
    return new StageFeatures(
        name,
        parts,
        x -> {
          int[][] codes = tok.tokenize(x); // [B][N]
          List<INDArray> out = new ArrayList<>();
          if (vq != null) {
            out.add(vq.encode(x).mean(1)); // [B, d]
            out.add(vq.decode(codes).mean(1)); // [B, Dt]
          }
          if (map) {
            out.add(codeMaps(codes, k)); // [B, N*K]
          }
          out.add(BagOfVisualWords.histograms(codes, k)); // [B, K]
          return out;
        });
  }

  /**
   * A backbone at every block {@code l = 1..L}, read three ways: [CLS] {@code [B, D]}, patch mean
   * {@code [B, D]}, both {@code [B, 2D]} ({@link BackboneLayers}: each block through the final
   * norm).
   *
   * <p>Images are raw pixels in [0, 1], checked against and standardised by the backbone's {@link
   * VisionTransformer#inputContract()}.
   *
   * @param name the stage's name, e.g. "backbone"
   */
  public static StageFeatures backbone(String name, VisionTransformer vit) {
    BackboneLayers layers = BackboneLayers.of(vit);
    InputContract input = vit.inputContract();
    int d = vit.config().width();
    List<Representation> parts = new ArrayList<>();
    for (int l = 1; l <= layers.depth(); l++) {
      String at = name + " layer " + l;
      parts.add(new Representation(at + " [CLS]", "[CLS] token", d, l, Representation.Readout.CLS));
      parts.add(new Representation(at + " mean", "patch mean", d, l, Representation.Readout.MEAN));
      parts.add(
          new Representation(
              at + " [CLS]+mean",
              "[CLS] and patch mean",
              2 * d,
              l,
              Representation.Readout.CLS_MEAN));
    }
    return new StageFeatures(
        name,
        parts,
        x -> {
          List<INDArray> out = new ArrayList<>();
          InputContract.raw(input.imageSize(), input.channels()).check(x, name);
          INDArray fed = FeatureSource.normalize(x, input.normalization()); // [B, C, H, W]
          for (INDArray tokens : layers.tokens(fed)) {
            INDArray cls = VisionTransformer.pool(tokens, VisionTransformer.Pool.CLS); // [B, D]
            INDArray mean = VisionTransformer.pool(tokens, VisionTransformer.Pool.MEAN); // [B, D]
            out.add(cls);
            out.add(mean);
            out.add(Nd4j.hstack(cls, mean)); // [B, 2D]
          }
          return out;
        });
  }

  /** Each row divided by its l2 norm, {@code [B, F]} (zero rows stay zero). */
  static INDArray l2Rows(INDArray x) {
    INDArray norms = x.norm2(1).reshape(x.size(0), 1).addi(1e-12); // [B, 1]
    return x.divColumnVector(norms); // [B, F]
  }

  /** {@code [B, N, F]} with every {@code F}-vector l2-normalised. */
  static INDArray l2Last(INDArray t) {
    long b = t.size(0);
    long n = t.size(1);
    return l2Rows(t.reshape(b * n, t.size(2))).reshape(b, n, t.size(2)); // [B, N, F]
  }

  /** One-hot of every code, flattened patch by patch: {@code [B, N*K]}. */
  static INDArray codeMaps(int[][] codes, int k) {
    int n = codes[0].length;
    float[][] m = new float[codes.length][n * k];
    for (int b = 0; b < codes.length; b++) {
      for (int i = 0; i < n; i++) {
        m[b][i * k + codes[b][i]] = 1f;
      }
    }
    return Nd4j.create(m); // [B, N*K]
  }
}
