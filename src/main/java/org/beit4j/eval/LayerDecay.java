package org.beit4j.eval;

import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.beit4j.nn.VisionTransformer;

/**
 * Layer-wise learning-rate decay for fine-tuning (BEiT, Bao et al. 2022, section 2.6; the official
 * {@code get_layer_id_for_vit}): the layers are numbered {@code 0..L+1} from the input, layer
 * {@code j} trains at {@code lr * decay^(L + 1 - j)}.
 *
 * <pre>
 * layer 0      vit/patch/..., vit/embed/cls, vit/embed/pos          scale decay^(L+1)
 * layer i + 1  vit/block{i}/...  (block i, 0-based)                 scale decay^(L-i)
 * layer L + 1  vit/norm/..., vit/head/..., vit/relpos/table         scale 1
 * </pre>
 *
 * The shared relative-position table gets scale 1 as in the official code (its {@code rel_pos_bias}
 * maps to the last layer id). Lower layers hold generic features and move less.
 */
public final class LayerDecay {

  private static final Pattern BLOCK = Pattern.compile("block(\\d+)/");

  private LayerDecay() {}

  /**
   * The layer number {@code j} of a parameter of a ViT under {@value VisionTransformer#SCOPE}.
   *
   * @param depth {@code L}, the number of blocks
   * @throws IllegalArgumentException for a block index outside {@code [0, L)}
   */
  public static int layerId(String name, int depth) {
    String prefix = VisionTransformer.SCOPE + "/";
    String local = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    if (local.startsWith("patch/") || local.equals("embed/cls") || local.equals("embed/pos")) {
      return 0;
    }
    Matcher m = BLOCK.matcher(local);
    if (m.lookingAt()) {
      int i = Integer.parseInt(m.group(1));
      if (i >= depth) {
        throw new IllegalArgumentException(
            "parameter " + name + " belongs to block " + i + " but the model has " + depth);
      }
      return i + 1;
    }
    return depth + 1;
  }

  /** {@code decay^(L + 1 - layerId(name))}. */
  public static double scale(String name, int depth, double decay) {
    return Math.pow(decay, depth + 1 - layerId(name, depth));
  }

  /**
   * The per-parameter multiplier for {@link org.beit4j.train.AdamW}.
   *
   * @param decay in (0, 1]; 1 switches the decay off (every scale exactly 1)
   */
  public static ToDoubleFunction<String> of(int depth, double decay) {
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("layer decay must be in (0, 1], got " + decay);
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    return name -> scale(name, depth, decay);
  }
}
