package org.beit4j.bench;

import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;

/**
 * Matrix-multiply FLOPs of one image through each stage's graph, counted from its configuration (a
 * multiply-add is 2 FLOPs). Only the matmuls and convolutions are counted: layer norms, softmax,
 * GELU, biases, residual adds, losses, the optimiser and the data pipeline are left out
 * (docs/performance.md, "FLOP count").
 *
 * <p>Letters: {@code N} patches, {@code T = N + 1} tokens ([CLS] included), {@code D} width, {@code
 * H} MLP hidden width, {@code C} channels, {@code P} patch side, {@code K} classes, {@code V}
 * codebook size.
 */
public final class FlopCount {

  /** A training step is counted as forward + backward = 3 forwards (backward = 2 matmuls each). */
  public static final int TRAIN_FACTOR = 3;

  private FlopCount() {}

  /** FLOPs of a training step on {@code batch} images: {@link #TRAIN_FACTOR} forwards each. */
  public static double trainStep(double perImage, int batch) {
    return TRAIN_FACTOR * batch * perImage;
  }

  /** {@code 2 rows in out}: a dense layer applied to {@code rows} vectors. */
  public static double linear(double rows, double in, double out) {
    return 2 * rows * in * out;
  }

  /** Patch embedding, {@code 2 N (C P^2) D}. */
  public static double patchEmbed(VitConfig v) {
    return linear(v.numPatches(), (double) v.channels() * v.patchSize() * v.patchSize(), v.width());
  }

  /**
   * One pre-norm block on {@code T} tokens: qkv {@code 6 T D^2}, scores {@code Q K^T} {@code 2 T^2
   * D}, attention times values {@code 2 T^2 D}, projection {@code 2 T D^2}, MLP {@code 4 T D H}; in
   * all {@code 8 T D^2 + 4 T^2 D + 4 T D H}.
   */
  public static double block(VitConfig v) {
    double t = v.tokens();
    double d = v.width();
    return linear(t, d, 3 * d)
        + 2 * t * t * d
        + 2 * t * t * d
        + linear(t, d, d)
        + linear(t, d, v.mlpHidden())
        + linear(t, v.mlpHidden(), d);
  }

  /** Patch embedding and {@code L} blocks: the frozen feature extraction of one image. */
  public static double vitEncoder(VitConfig v) {
    return patchEmbed(v) + v.depth() * block(v);
  }

  /** The encoder and a linear head on the pooled token, {@code 2 D K}. */
  public static double classifier(VitConfig v, int classes) {
    return vitEncoder(v) + linear(1, v.width(), classes);
  }

  /**
   * MIM pretraining (eqs. 3-5): the encoder, the MIM head {@code 2 N D V} on every patch, and with
   * the [CLS] branch its extra blocks and the shared head once more.
   */
  public static double mim(PretrainConfig c) {
    VitConfig v = c.vit();
    double head = linear(v.numPatches(), v.width(), c.codebookSize());
    double total = vitEncoder(v) + head;
    if (c.clsHead()) {
      total += c.clsHeadDepth() * block(v) + head;
    }
    return total;
  }

  /**
   * VQ-KD (eqs. 1-2): encoder, task layer {@code D -> D -> d}, the cosine scores against the
   * codebook {@code 2 N d K} and the one-hot lookup {@code 2 N K d}, the projection up to the
   * decoder, the decoder blocks and its task layer {@code Dd -> Dd -> Dt}.
   */
  public static double vqKd(VqKdConfig c) {
    VitConfig enc = c.encoder();
    VitConfig dec = c.decoder();
    int n = enc.numPatches();
    int code = c.quantizer().codeDim();
    int k = c.quantizer().codebookSize();
    return vitEncoder(enc)
        + linear(n, enc.width(), enc.width())
        + linear(n, enc.width(), code)
        + linear(n, code, k)
        + linear(n, k, code)
        + linear(n, code, dec.width())
        + dec.depth() * block(dec)
        + linear(n, dec.width(), dec.width())
        + linear(n, dec.width(), c.teacherDim());
  }

  /** {@code 2 S_out^2 k^2 C_in C_out}: a square convolution with an output map of side s. */
  public static double conv(int side, int kernel, int in, int out) {
    return 2.0 * side * side * kernel * kernel * in * out;
  }

  /** The CNN teacher's convolutions up to its patch features (what a VQ-KD step asks of it). */
  public static double cnnFeatures(CnnTeacherConfig c) {
    int s = c.imageSize();
    int g = c.gridSize();
    return conv(s, 3, c.channels(), c.width1())
        + conv(s / 2, 3, c.width1(), c.width2())
        + conv(g, 3, c.width2(), c.width3())
        + c.gridConvs() * conv(g, 3, c.width3(), c.width3())
        + conv(g, 1, c.width3(), c.featureDim());
  }

  /** The CNN teacher's training graph: its convolutions and its classifier head. */
  public static double cnnTeacher(CnnTeacherConfig c) {
    double total = cnnFeatures(c);
    if (c.gridHead()) {
      int g = c.gridSize();
      return total + linear(1, (double) g * g * c.featureDim(), c.numClasses());
    }
    if (c.headHidden() > 0) {
      return total
          + linear(1, c.featureDim(), c.headHidden())
          + linear(1, c.headHidden(), c.numClasses());
    }
    return total + linear(1, c.featureDim(), c.numClasses());
  }
}
