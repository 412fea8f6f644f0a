package org.beit4j.dl4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.io.RecordProperties;
import org.beit4j.nn.Init;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.Vit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Names, shapes and copying of backbone parameters between beit4j's SameDiff graphs and DL4J.
 *
 * <p>A beit4j graph names a parameter {@code vit/block0/attn/qkv/w}; inside a {@link
 * BeitBackboneLayer} the same parameter has the DL4J key {@code block0.attn.qkv.w}: the scope is
 * dropped and {@code /} becomes {@code .}, because DL4J joins layer and parameter names with {@code
 * _} and its keys are best kept to plain identifiers. Only the backbone (no classifier head) is
 * mapped.
 */
public final class BackboneParams {

  private BackboneParams() {}

  /** DL4J key of a beit4j name under {@link VisionTransformer#SCOPE}: {@code vit/a/b -> a.b}. */
  public static String key(String vitName) {
    String prefix = VisionTransformer.SCOPE + "/";
    if (!vitName.startsWith(prefix)) {
      throw new IllegalArgumentException("not a backbone parameter name: " + vitName);
    }
    return vitName.substring(prefix.length()).replace('/', '.');
  }

  /** beit4j name of a DL4J key: {@code a.b -> vit/a/b}. */
  public static String vitName(String key) {
    return VisionTransformer.SCOPE + "/" + key.replace('.', '/');
  }

  /** Whether a backbone parameter is a bias-like vector (DL4J's bias regularisation applies). */
  static boolean isBias(String key) {
    return !key.endsWith(".w") && !key.equals("embed.cls") && !key.equals("embed.pos");
  }

  /**
   * The trainable backbone arrays of a graph built by {@link Vit#features} under {@code scope},
   * keyed by DL4J key, in creation order.
   */
  static Map<String, INDArray> backboneArrays(SameDiff sd) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    String headPrefix = VisionTransformer.SCOPE + "/head/";
    for (SDVariable v : sd.variables()) {
      String name = v.name();
      if (v.getVariableType() == VariableType.VARIABLE
          && name.startsWith(VisionTransformer.SCOPE + "/")
          && !name.startsWith(headPrefix)) {
        out.put(key(name), v.getArr());
      }
    }
    return out;
  }

  /** Parameter shapes of a backbone for {@code cfg}, keyed by DL4J key, in creation order. */
  public static Map<String, long[]> shapes(VitConfig cfg) {
    SameDiff sd = SameDiff.create();
    SDVariable images =
        sd.placeHolder(
            "images", DataType.FLOAT, -1, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    Vit.features(sd, VisionTransformer.SCOPE, new Init(0, DataType.FLOAT), cfg, images);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    backboneArrays(sd).forEach((k, a) -> shapes.put(k, a.shape()));
    return shapes;
  }

  /**
   * Copies every backbone parameter of {@code source} into DL4J parameter arrays (assigning into
   * them, so views of a network's flattened parameters are updated in place).
   *
   * @throws IllegalArgumentException naming a key that is missing on either side or whose shapes
   *     differ
   */
  public static void copy(VisionTransformer source, Map<String, INDArray> target) {
    Map<String, INDArray> from = backboneArrays(source.sameDiff());
    for (String k : target.keySet()) {
      if (!from.containsKey(k)) {
        throw new IllegalArgumentException("the VisionTransformer has no parameter " + vitName(k));
      }
    }
    for (Map.Entry<String, INDArray> e : from.entrySet()) {
      INDArray dst = target.get(e.getKey());
      if (dst == null) {
        throw new IllegalArgumentException("the DL4J layer has no parameter " + e.getKey());
      }
      if (!Arrays.equals(dst.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException(
            "parameter "
                + e.getKey()
                + ": layer shape "
                + Arrays.toString(dst.shape())
                + " but VisionTransformer shape "
                + Arrays.toString(e.getValue().shape()));
      }
      dst.assign(e.getValue().castTo(dst.dataType()));
    }
  }

  /**
   * Copies the backbone of {@code source} into layer {@code index} of {@code net}.
   *
   * @throws IllegalArgumentException if the layer is not a {@link BeitBackboneLayer} or its config
   *     differs, naming every differing field ("depth: 6 vs 4; width: 192 vs 96")
   */
  public static void copy(VisionTransformer source, MultiLayerNetwork net, int index) {
    copy(source, requireBackbone(net.getLayer(index), "layer " + index, source));
  }

  /**
   * Copies the backbone of {@code source} into the layer vertex {@code name} of {@code graph}.
   *
   * @throws IllegalArgumentException as {@link #copy(VisionTransformer, MultiLayerNetwork, int)}
   */
  public static void copy(VisionTransformer source, ComputationGraph graph, String name) {
    copy(source, requireBackbone(graph.getLayer(name), "vertex " + name, source));
  }

  private static Map<String, INDArray> requireBackbone(
      Layer layer, String where, VisionTransformer source) {
    if (layer == null || !(layer.conf().getLayer() instanceof BeitBackboneLayer b)) {
      throw new IllegalArgumentException(where + " is not a BeitBackboneLayer");
    }
    List<String> diff =
        RecordProperties.differences(
            RecordProperties.flatten(source.config()), RecordProperties.flatten(b.vitConfig()));
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException(
          "the VisionTransformer and the BeitBackboneLayer of "
              + where
              + " have different configs (VisionTransformer vs layer): "
              + String.join("; ", diff));
    }
    return layer.paramTable();
  }
}
