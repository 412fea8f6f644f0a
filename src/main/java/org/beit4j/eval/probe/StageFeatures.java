package org.beit4j.eval.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.beit4j.eval.FeatureSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One stage of a run (a teacher, a tokenizer, a backbone) read in one forward pass per batch into
 * several {@link Representation}s. As a {@link FeatureSource} its features are the parts side by
 * side, {@code [B, sum F_i]}, so chunking and progress come from {@link FeatureSource#extract}, and
 * {@link #split} cuts the result back into one matrix per representation.
 *
 * @param stage the stage's name, e.g. "teacher", "tokenizer", "backbone"
 * @param parts the representations, in column order
 * @param extractor {@code [B, C, H, W]} pixels in [0, 1] to one {@code [B, F_i]} per part
 */
public record StageFeatures(
    String stage, List<Representation> parts, Function<INDArray, List<INDArray>> extractor) {

  /** Validates every field. */
  public StageFeatures {
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("stage must not be blank, got '" + stage + "'");
    }
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("stage " + stage + " needs at least one representation");
    }
    parts = List.copyOf(parts);
    if (parts.stream().map(Representation::name).distinct().count() != parts.size()) {
      throw new IllegalArgumentException("stage " + stage + " repeats a representation name");
    }
    if (extractor == null) {
      throw new IllegalArgumentException("extractor of stage " + stage + " must not be null");
    }
  }

  /** {@code sum F_i}, the width of {@link #source()}'s features. */
  public int dims() {
    return parts.stream().mapToInt(Representation::dims).sum();
  }

  /** The parts of one batch, checked against {@link #parts}: {@code [B, F_i]} each, float. */
  public List<INDArray> features(INDArray images) {
    List<INDArray> out = extractor.apply(images);
    if (out.size() != parts.size()) {
      throw new IllegalStateException(
          "stage " + stage + " returned " + out.size() + " arrays for " + parts.size() + " parts");
    }
    List<INDArray> checked = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      INDArray f = out.get(i);
      Representation p = parts.get(i);
      if (f.rank() != 2 || f.size(0) != images.size(0) || f.size(1) != p.dims()) {
        throw new IllegalStateException(
            p.name()
                + " returned "
                + Arrays.toString(f.shape())
                + "; expected ["
                + images.size(0)
                + ", "
                + p.dims()
                + "]");
      }
      checked.add(f.castTo(DataType.FLOAT));
    }
    return checked;
  }

  /** The stage as one feature source, parts side by side: {@code [B, C, H, W] -> [B, sum F_i]}. */
  public FeatureSource source() {
    return new FeatureSource(
        stage,
        stage + ": " + parts.size() + " representations",
        x -> Nd4j.hstack(features(x).toArray(INDArray[]::new))); // [B, sum F_i]
  }

  /**
   * Cuts features of {@link #source()} back into the parts.
   *
   * @param all {@code [M, sum F_i]}
   * @return one {@code [M, F_i]} per part, in order
   */
  public List<INDArray> split(INDArray all) {
    if (all.rank() != 2 || all.size(1) != dims()) {
      throw new IllegalArgumentException(
          "stage " + stage + " has " + dims() + " columns, got " + Arrays.toString(all.shape()));
    }
    List<INDArray> out = new ArrayList<>(parts.size());
    long from = 0;
    for (Representation p : parts) {
      out.add(all.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + p.dims())).dup());
      from += p.dims();
    }
    return out;
  }
}
