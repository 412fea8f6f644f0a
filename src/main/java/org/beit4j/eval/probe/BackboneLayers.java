package org.beit4j.eval.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Block;
import org.beit4j.nn.Init;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.Vit;
import org.beit4j.pretrain.ClsHead;
import org.beit4j.samediff.Parameters;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every block's output of a trained ViT in one forward pass. The model's own graph names only its
 * final features, so this builds the same encoder ({@link Vit#patchEmbed}, {@link Vit#encode}) with
 * an output per block, holding copies of the model's parameters.
 *
 * <p>Each block's output goes through the backbone's final LayerNorm, as the [CLS] head's branch
 * does ({@link ClsHead#sharedNorm}); for the last block this is exactly {@link
 * VisionTransformer#features}.
 */
public final class BackboneLayers {

  static {
    Beit4j.init();
  }

  private static final String SCOPE = VisionTransformer.SCOPE;
  private static final String OUT = "probe/layer";

  private final SameDiff sd;
  private final VitConfig config;

  private BackboneLayers(SameDiff sd, VitConfig config) {
    this.sd = sd;
    this.config = config;
  }

  /**
   * A per-layer reader of {@code vit}'s encoder (the head, if any, is left out).
   *
   * @throws IllegalStateException if {@code vit} lacks an encoder parameter of its config
   */
  public static BackboneLayers of(VisionTransformer vit) {
    VitConfig cfg = vit.config();
    SameDiff sd = SameDiff.create();
    Init init = new Init(0, DataType.FLOAT);
    SDVariable images = VisionTransformer.imagesPlaceholder(sd, cfg, DataType.FLOAT);
    SDVariable patches = Vit.patchEmbed(sd, SCOPE, init, cfg, images); // [B, N, D]
    List<SDVariable> rows = Vit.encode(sd, SCOPE, init, cfg, patches); // L x [B*T, D]
    int last = rows.size() - 1;
    SDVariable lastTokens = Block.tokens(sd, cfg, rows.get(last)); // [B, T, D]
    SDVariable lastNormed = Vit.norm(sd, SCOPE, init, cfg, lastTokens); // [B, T, D]
    for (int l = 0; l < last; l++) {
      SDVariable tokens = Block.tokens(sd, cfg, rows.get(l)); // [B, T, D]
      ClsHead.sharedNorm(sd, SCOPE, OUT + (l + 1), tokens); // [B, T, D]
    }
    sd.identity(OUT + (last + 1), lastNormed);
    Parameters.copy(vit.sameDiff(), sd, name -> true, "encoder parameter");
    return new BackboneLayers(sd, cfg);
  }

  /** Number of blocks {@code L}. */
  public int depth() {
    return config.depth();
  }

  public VitConfig config() {
    return config;
  }

  /**
   * The normalised tokens of every block.
   *
   * @param images {@code [B, C, H, W]} as the backbone takes them
   * @return {@code L} arrays {@code [B, T, D]}, block 1 first
   */
  public synchronized List<INDArray> tokens(INDArray images) {
    String[] names = new String[depth()];
    for (int l = 0; l < names.length; l++) {
      names[l] = OUT + (l + 1);
    }
    Map<String, INDArray> out =
        sd.output(Map.of(VisionTransformer.IMAGES, images.castTo(DataType.FLOAT)), names);
    List<INDArray> layers = new ArrayList<>(names.length);
    for (String n : names) {
      layers.add(out.get(n));
    }
    return layers;
  }
}
