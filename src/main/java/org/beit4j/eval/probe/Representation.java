package org.beit4j.eval.probe;

/**
 * One intermediate representation a stage yields: a block of {@code dims} columns of the stage's
 * features.
 *
 * @param name the table's representation column, e.g. "teacher l2" or "layer 3 [CLS]"
 * @param description what it is, one short sentence
 * @param dims width {@code F} of its feature vectors
 * @param layer the backbone block it reads (1-based), 0 for representations that are not a layer
 * @param readout how a backbone layer is pooled; {@link Readout#NONE} for the others
 */
public record Representation(
    String name, String description, int dims, int layer, Readout readout) {

  /** How a backbone layer's tokens {@code [B, T, D]} become one vector per image. */
  public enum Readout {
    /** Not a backbone layer. */
    NONE,
    /** The [CLS] token, {@code [B, D]}. */
    CLS,
    /** The mean of the patch tokens, {@code [B, D]}. */
    MEAN,
    /** [CLS] and patch mean side by side, {@code [B, 2D]}. */
    CLS_MEAN
  }

  /** Validates every field. */
  public Representation {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
    }
    description = description == null ? "" : description;
    if (dims < 1) {
      throw new IllegalArgumentException("dims of " + name + " must be >= 1, got " + dims);
    }
    if (layer < 0) {
      throw new IllegalArgumentException("layer of " + name + " must be >= 0, got " + layer);
    }
    if (readout == null) {
      throw new IllegalArgumentException("readout of " + name + " must not be null (use NONE)");
    }
    if ((layer == 0) != (readout == Readout.NONE)) {
      throw new IllegalArgumentException(
          name + ": a backbone layer (" + layer + ") needs a readout and only it, got " + readout);
    }
  }

  /** A representation that is not a backbone layer. */
  public static Representation of(String name, String description, int dims) {
    return new Representation(name, description, dims, 0, Readout.NONE);
  }
}
