package org.beit4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.data.InputContract;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a BEiT / BEiT v2 state dict with the official ({@code unilm/beit2}) or timm parameter names
 * into a {@link VisionTransformer}.
 *
 * <table>
 * <caption>Name mapping ({@code N} = block index)</caption>
 * <tr><th>PyTorch</th><th>beit4j</th><th>conversion</th></tr>
 * <tr><td>{@code cls_token [1,1,D]}</td><td>{@code vit/embed/cls}</td><td>as is</td></tr>
 * <tr><td>{@code pos_embed [1,T,D]}</td><td>{@code vit/embed/pos}</td><td>only with absPosEmbed</td></tr>
 * <tr><td>{@code patch_embed.proj.weight [D,C,P,P]}</td><td>{@code vit/patch/proj/w [C*P*P,D]}</td>
 *     <td>flatten (c,y,x), transpose</td></tr>
 * <tr><td>{@code rel_pos_bias.relative_position_bias_table [R,h]}</td><td>{@code vit/relpos/table}</td>
 *     <td>as is (shared bias)</td></tr>
 * <tr><td>{@code blocks.N.norm1/norm2.weight, .bias}</td><td>{@code vit/blockN/norm1/gain, b}</td><td></td></tr>
 * <tr><td>{@code blocks.N.attn.qkv.weight [3D,D]}</td><td>{@code vit/blockN/attn/qkv/w [D,3D]}</td>
 *     <td>transpose (every Linear weight)</td></tr>
 * <tr><td>{@code blocks.N.attn.q_bias, v_bias}</td><td>{@code vit/blockN/attn/qbias, vbias}</td><td></td></tr>
 * <tr><td>{@code blocks.N.gamma_1, gamma_2} (official, timm Beit) or {@code blocks.N.ls1.gamma,
 *     ls2.gamma} (timm ViT)</td><td>{@code vit/blockN/ls1, ls2}</td><td></td></tr>
 * <tr><td>{@code blocks.N.attn.proj, mlp.fc1, mlp.fc2}</td><td>same path, {@code w, b}</td><td></td></tr>
 * <tr><td>{@code norm.weight, .bias}</td><td>{@code vit/norm/gain, b}</td><td></td></tr>
 * <tr><td>{@code head.weight [K,D], .bias}</td><td>{@code vit/head/w [D,K], b}</td>
 *     <td>only into a model with a head</td></tr>
 * </table>
 *
 * <p>Ignored with a log line: the pretraining heads {@code lm_head.*} and {@code cls_pt_layers.*},
 * {@code mask_token}, and {@code head.*} when the target has no head. The buffer {@code
 * rel_pos_bias.relative_position_index} is checked against {@link RelativePositionBias#index}.
 * Anything else that does not fit is an error: a missing tensor, an unexpected (extra) tensor, or a
 * wrong shape, each named with the expected and actual shape, all reported in one message.
 * Unsupported variants are named as such: per-block relative position tables ({@code
 * blocks.N.attn.relative_position_bias_table}) and mean-pooling checkpoints with {@code fc_norm}
 * (beit4j normalises tokens before pooling). BEiT's LayerNorm eps is 1e-6; SameDiff's {@code
 * layerNorm} has none (measured: eps 0), a difference far below 1e-4 for activations of order 1.
 */
public final class TimmBeitImporter {

  static {
    org.beit4j.Beit4j.init();
  }

  private static final Logger log = LoggerFactory.getLogger(TimmBeitImporter.class);

  private TimmBeitImporter() {}

  private enum Kind {
    SAME,
    LINEAR, // torch [out, in] -> beit4j [in, out]
    PATCH // torch conv [D, C, P, P] -> beit4j [C*P*P, D]
  }

  private record Target(String vitName, Kind kind, String... torchNames) {}

  /**
   * Reads {@code file} and builds a [CLS]-pooled {@link VisionTransformer} for {@code config} with
   * its weights; with a classifier head if the checkpoint has {@code head.weight}. Its {@link
   * VisionTransformer#inputContract} is timm's: pixels normalised with the ImageNet mean/std for 3
   * channels (BEiT v2's data config), else already standardised (mean 0, std 1: not range-checked).
   *
   * @throws IllegalArgumentException if the tensors do not fit {@code config} (see class doc)
   */
  public static VisionTransformer load(Path file, VitConfig config) throws IOException {
    Map<String, INDArray> tensors = SafetensorsReader.read(file);
    INDArray head = tensors.get("head.weight");
    int classes = head == null ? 0 : Math.toIntExact(head.size(0));
    VisionTransformer model =
        VisionTransformer.build(config, 0, classes, VisionTransformer.Pool.CLS, DataType.FLOAT);
    importInto(model, tensors, file.getFileName().toString());
    return model.withInputContract(inputContract(config));
  }

  /**
   * What imported weights take: pixels normalised with the ImageNet mean/std for 3 channels (BEiT
   * v2's data config in timm and the official code), else already standardised (mean 0, std 1 per
   * channel; the range is then not checked). Give it to a model filled by {@link #importInto} with
   * {@link VisionTransformer#withInputContract}.
   */
  public static InputContract inputContract(VitConfig config) {
    if (config.channels() == 3) {
      return new InputContract(config.imageSize(), 3, ChannelStats.IMAGENET);
    }
    float[] mean = new float[config.channels()];
    float[] std = new float[config.channels()];
    java.util.Arrays.fill(std, 1f);
    return new InputContract(config.imageSize(), config.channels(), new ChannelStats(mean, std));
  }

  /**
   * Copies a state dict into {@code model}'s parameters (all or nothing: nothing is written when a
   * check fails).
   *
   * @param source name of the checkpoint, for messages
   * @throws IllegalArgumentException listing every missing, unexpected and wrong-shaped tensor
   */
  public static void importInto(
      VisionTransformer model, Map<String, INDArray> stateDict, String source) {
    VitConfig cfg = model.config();
    SameDiff sd = model.sameDiff();
    List<Target> targets = targets(cfg, model.numClasses() > 0);
    Map<String, INDArray> remaining = new LinkedHashMap<>(stateDict);
    List<String> problems = new ArrayList<>();
    Map<String, INDArray> converted = new LinkedHashMap<>();
    for (Target t : targets) {
      String found = null;
      for (String name : t.torchNames()) {
        if (remaining.containsKey(name)) {
          found = name;
          break;
        }
      }
      INDArray dst = sd.getVariable(t.vitName()).getArr();
      long[] expected = torchShape(t.kind(), dst.shape(), cfg);
      if (found == null) {
        problems.add(
            "missing "
                + String.join(" or ", t.torchNames())
                + " (expected "
                + Arrays.toString(expected)
                + ")");
        continue;
      }
      INDArray src = remaining.remove(found);
      if (!Arrays.equals(src.shape(), expected)) {
        problems.add(
            found
                + " has shape "
                + Arrays.toString(src.shape())
                + " but "
                + cfg
                + " expects "
                + Arrays.toString(expected));
        continue;
      }
      converted.put(t.vitName(), toBeit4j(t.kind(), src, cfg).castTo(dst.dataType()));
    }
    List<String> ignored = new ArrayList<>();
    for (String name : new ArrayList<>(remaining.keySet())) {
      String why = ignoreReason(name, remaining.get(name), cfg, model.numClasses() > 0);
      if (why == null) {
        continue;
      }
      remaining.remove(name);
      if (why.startsWith("!")) {
        problems.add(name + ": " + why.substring(1));
      } else {
        ignored.add(name);
      }
    }
    for (Map.Entry<String, INDArray> e : remaining.entrySet()) {
      problems.add(
          "unexpected "
              + e.getKey()
              + " "
              + Arrays.toString(e.getValue().shape())
              + unsupportedHint(e.getKey()));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          source + " does not fit " + cfg + ":\n  " + String.join("\n  ", problems));
    }
    converted.forEach((name, arr) -> sd.getVariable(name).getArr().assign(arr));
    log.info(
        "Imported {} tensors from {}; ignored {}",
        converted.size(),
        source,
        ignored.isEmpty() ? "none" : ignored);
  }

  /** Every beit4j parameter and the PyTorch name(s) it may come from. */
  private static List<Target> targets(VitConfig cfg, boolean withHead) {
    List<Target> t = new ArrayList<>();
    t.add(new Target("vit/embed/cls", Kind.SAME, "cls_token"));
    if (cfg.absPosEmbed()) {
      t.add(new Target("vit/embed/pos", Kind.SAME, "pos_embed"));
    }
    t.add(new Target("vit/patch/proj/w", Kind.PATCH, "patch_embed.proj.weight"));
    t.add(new Target("vit/patch/proj/b", Kind.SAME, "patch_embed.proj.bias"));
    if (cfg.relPosBias()) {
      t.add(new Target("vit/relpos/table", Kind.SAME, "rel_pos_bias.relative_position_bias_table"));
    }
    for (int l = 0; l < cfg.depth(); l++) {
      String v = "vit/block" + l + "/";
      String p = "blocks." + l + ".";
      t.add(new Target(v + "norm1/gain", Kind.SAME, p + "norm1.weight"));
      t.add(new Target(v + "norm1/b", Kind.SAME, p + "norm1.bias"));
      t.add(new Target(v + "attn/qkv/w", Kind.LINEAR, p + "attn.qkv.weight"));
      if (cfg.qkvBias()) {
        t.add(new Target(v + "attn/qbias", Kind.SAME, p + "attn.q_bias"));
        t.add(new Target(v + "attn/vbias", Kind.SAME, p + "attn.v_bias"));
      }
      t.add(new Target(v + "attn/proj/w", Kind.LINEAR, p + "attn.proj.weight"));
      t.add(new Target(v + "attn/proj/b", Kind.SAME, p + "attn.proj.bias"));
      if (cfg.layerScaleInit() > 0) {
        t.add(new Target(v + "ls1", Kind.SAME, p + "gamma_1", p + "ls1.gamma"));
        t.add(new Target(v + "ls2", Kind.SAME, p + "gamma_2", p + "ls2.gamma"));
      }
      t.add(new Target(v + "norm2/gain", Kind.SAME, p + "norm2.weight"));
      t.add(new Target(v + "norm2/b", Kind.SAME, p + "norm2.bias"));
      t.add(new Target(v + "mlp/fc1/w", Kind.LINEAR, p + "mlp.fc1.weight"));
      t.add(new Target(v + "mlp/fc1/b", Kind.SAME, p + "mlp.fc1.bias"));
      t.add(new Target(v + "mlp/fc2/w", Kind.LINEAR, p + "mlp.fc2.weight"));
      t.add(new Target(v + "mlp/fc2/b", Kind.SAME, p + "mlp.fc2.bias"));
    }
    t.add(new Target("vit/norm/gain", Kind.SAME, "norm.weight"));
    t.add(new Target("vit/norm/b", Kind.SAME, "norm.bias"));
    if (withHead) {
      t.add(new Target("vit/head/w", Kind.LINEAR, "head.weight"));
      t.add(new Target("vit/head/b", Kind.SAME, "head.bias"));
    }
    return t;
  }

  /**
   * Why a leftover tensor may be skipped ({@code null}: it may not), or {@code "!" + problem} for a
   * known tensor whose value is wrong.
   */
  private static String ignoreReason(String name, INDArray value, VitConfig cfg, boolean withHead) {
    if (name.startsWith("lm_head.") || name.startsWith("cls_pt_layers.")) {
      return "pretraining head";
    }
    if (name.equals("mask_token")) {
      return "pretraining mask token";
    }
    if (!withHead && name.startsWith("head.")) {
      return "classifier head (the target has none)";
    }
    if (name.equals("rel_pos_bias.relative_position_index") && cfg.relPosBias()) {
      int[][] ours = RelativePositionBias.index(cfg.gridSize());
      INDArray expected = Nd4j.createFromArray(ours).castTo(DataType.LONG);
      if (!Arrays.equals(value.shape(), expected.shape())) {
        return "!has shape "
            + Arrays.toString(value.shape())
            + " but expected "
            + Arrays.toString(expected.shape());
      }
      return value.castTo(DataType.LONG).equals(expected)
          ? "index buffer (checked)"
          : "!differs from beit4j's relative position index (different token order)";
    }
    return null;
  }

  private static String unsupportedHint(String name) {
    if (name.matches("blocks\\.\\d+\\.attn\\.relative_position_(bias_table|index)")) {
      return " (per-block relative position bias is not supported; beit4j shares one table)";
    }
    if (name.startsWith("fc_norm.")) {
      return " (mean-pooling checkpoints with fc_norm are not supported)";
    }
    return "";
  }

  private static long[] torchShape(Kind kind, long[] beit4jShape, VitConfig cfg) {
    return switch (kind) {
      case SAME -> beit4jShape;
      case LINEAR -> new long[] {beit4jShape[1], beit4jShape[0]};
      case PATCH -> new long[] {cfg.width(), cfg.channels(), cfg.patchSize(), cfg.patchSize()};
    };
  }

  private static INDArray toBeit4j(Kind kind, INDArray torch, VitConfig cfg) {
    return switch (kind) {
      case SAME -> torch;
      case LINEAR -> torch.transpose().dup('c'); // [out, in] -> [in, out]
      case PATCH -> torch.reshape('c', cfg.width(), cfg.patchDim()).transpose().dup('c');
    };
  }
}
