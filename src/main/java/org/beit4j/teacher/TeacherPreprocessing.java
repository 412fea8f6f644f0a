package org.beit4j.teacher;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a teacher turns the tokenizer's raw pixels into the input its network was trained on: resize
 * to {@code inputSize x inputSize} (bilinear), replicate a grey channel to RGB if asked, then
 * {@code x' = (x - mean[c]) / std[c]} per channel.
 *
 * @param inputSize side of the square image the teacher expects (224 for CLIP/DINO ViT-B/16)
 * @param mean per-channel mean subtracted from pixels in [0, 1]
 * @param std per-channel standard deviation the centred pixels are divided by
 * @param replicateGrey copy a single grey channel to 3 channels when the network expects 3
 */
public record TeacherPreprocessing(
    int inputSize, double[] mean, double[] std, boolean replicateGrey) {

  /** CLIP's pixel statistics (OpenAI CLIP / open_clip). */
  public static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};

  /** CLIP's pixel standard deviations. */
  public static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

  /** ImageNet pixel statistics, used by DINO. */
  public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};

  /** ImageNet pixel standard deviations, used by DINO. */
  public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  /** Validates every field; arrays are copied. */
  public TeacherPreprocessing {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
    }
    if (mean == null || mean.length == 0) {
      throw new IllegalArgumentException("mean must have one value per channel, got " + str(mean));
    }
    if (std == null || std.length != mean.length) {
      throw new IllegalArgumentException(
          "std must have as many values as mean (" + mean.length + "), got " + str(std));
    }
    for (double s : std) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("std values must be finite and > 0, got " + str(std));
      }
    }
    for (double m : mean) {
      if (!Double.isFinite(m)) {
        throw new IllegalArgumentException("mean values must be finite, got " + str(mean));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** CLIP ViT-B/16 at 224: CLIP mean/std, grey replicated. */
  public static TeacherPreprocessing clip() {
    return new TeacherPreprocessing(224, CLIP_MEAN, CLIP_STD, true);
  }

  /** DINO ViT-B/16 at 224: ImageNet mean/std, grey replicated. */
  public static TeacherPreprocessing dino() {
    return new TeacherPreprocessing(224, IMAGENET_MEAN, IMAGENET_STD, true);
  }

  /** Resize only: mean 0 and std 1 for {@code channels} channels, grey replicated. */
  public static TeacherPreprocessing identity(int inputSize, int channels) {
    double[] zeros = new double[channels];
    double[] ones = new double[channels];
    Arrays.fill(ones, 1.0);
    return new TeacherPreprocessing(inputSize, zeros, ones, true);
  }

  /** A copy with another input size. */
  public TeacherPreprocessing withInputSize(int size) {
    return new TeacherPreprocessing(size, mean, std, replicateGrey);
  }

  /** A copy with other per-channel statistics. */
  public TeacherPreprocessing withMeanStd(double[] newMean, double[] newStd) {
    return new TeacherPreprocessing(inputSize, newMean, newStd, replicateGrey);
  }

  /** A copy with grey replication switched on or off. */
  public TeacherPreprocessing withReplicateGrey(boolean replicate) {
    return new TeacherPreprocessing(inputSize, mean, std, replicate);
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /**
   * Resizes, replicates and normalises a batch.
   *
   * @param images {@code [B, C, H, W]} pixels in [0, 1]
   * @param modelChannels channels the network expects, or -1 if its input does not say
   * @return {@code [B, C', S, S]} float, {@code S = inputSize}, {@code C' = modelChannels} (or C)
   * @throws IllegalArgumentException if the images are not rank 4 or their channels do not fit
   */
  public INDArray apply(INDArray images, int modelChannels) {
    if (images.rank() != 4) {
      throw new IllegalArgumentException(
          "images must be [B, C, H, W], got shape " + Arrays.toString(images.shape()));
    }
    int c = (int) images.size(1);
    INDArray x = images.castTo(DataType.FLOAT); // [B, C, H, W]
    if (modelChannels == 3 && c == 1 && replicateGrey) {
      x = Nd4j.concat(1, x, x, x); // [B, 3, H, W]
      c = 3;
    }
    if (modelChannels > 0 && c != modelChannels) {
      throw new IllegalArgumentException(
          "images have "
              + images.size(1)
              + " channels but the teacher expects "
              + modelChannels
              + (modelChannels == 3 && images.size(1) == 1 ? " (replicateGrey is off)" : ""));
    }
    if (mean.length != c) {
      throw new IllegalArgumentException(
          "mean/std have "
              + mean.length
              + " values but the teacher input has "
              + c
              + " channels: "
              + str(mean));
    }
    x = BilinearResize.resize(x, inputSize, inputSize); // [B, C, S, S]
    INDArray m = Nd4j.createFromArray(mean).castTo(DataType.FLOAT).reshape(1, c, 1, 1);
    INDArray s = Nd4j.createFromArray(std).castTo(DataType.FLOAT).reshape(1, c, 1, 1);
    return x.sub(m).divi(s); // [B, C, S, S]
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TeacherPreprocessing p
        && p.inputSize == inputSize
        && p.replicateGrey == replicateGrey
        && Arrays.equals(p.mean, mean)
        && Arrays.equals(p.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Integer.hashCode(inputSize) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "TeacherPreprocessing[inputSize="
        + inputSize
        + ", mean="
        + str(mean)
        + ", std="
        + str(std)
        + ", replicateGrey="
        + replicateGrey
        + "]";
  }

  private static String str(double[] a) {
    return a == null ? "null" : Arrays.toString(a);
  }
}
