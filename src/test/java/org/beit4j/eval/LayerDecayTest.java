package org.beit4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.train.AdamW;
import org.beit4j.train.WarmupCosineSchedule;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LayerDecayTest {

  /** Every parameter of a 2-block classifier with absolute positions, and its scale at 0.5. */
  private static Map<String, Double> handTable() {
    Map<String, Double> t = new TreeMap<>();
    double embed = 0.125; // 0.5^(L+1), L = 2
    for (String n : new String[] {"vit/patch/proj/w", "vit/patch/proj/b", "vit/embed/cls"}) {
      t.put(n, embed);
    }
    t.put("vit/embed/pos", embed);
    String[] inBlock = {
      "attn/proj/b", "attn/proj/w", "attn/qbias", "attn/qkv/w", "attn/vbias", "ls1", "ls2",
      "mlp/fc1/b", "mlp/fc1/w", "mlp/fc2/b", "mlp/fc2/w", "norm1/b", "norm1/gain", "norm2/b",
      "norm2/gain"
    };
    for (String n : inBlock) {
      t.put("vit/block0/" + n, 0.25); // 0.5^(L-0)
      t.put("vit/block1/" + n, 0.5); // 0.5^(L-1)
    }
    for (String n : new String[] {"vit/norm/gain", "vit/norm/b", "vit/head/w", "vit/head/b"}) {
      t.put(n, 1.0);
    }
    t.put("vit/relpos/table", 1.0); // shared table: last layer id, as in the official code
    return t;
  }

  private static Map<String, INDArray> parameters(VisionTransformer vt) {
    Map<String, INDArray> p = new TreeMap<>();
    for (SDVariable v : vt.sameDiff().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        p.put(v.name(), v.getArr());
      }
    }
    return p;
  }

  @Test
  void scalesMatchTheHandTableForEveryParameterOfATwoBlockModel() {
    VisionTransformer vt = VisionTransformer.build(VitConfig.test().withAbsPosEmbed(true), 1, 3);
    Map<String, Double> hand = handTable();
    assertEquals(hand.keySet(), parameters(vt).keySet(), "parameter names of the test model");
    ToDoubleFunction<String> scale = LayerDecay.of(2, 0.5);
    for (Map.Entry<String, Double> e : hand.entrySet()) {
      assertEquals(e.getValue(), scale.applyAsDouble(e.getKey()), 0, e.getKey());
    }
    assertEquals(0, LayerDecay.layerId("vit/embed/pos", 2));
    assertEquals(2, LayerDecay.layerId("vit/block1/ls2", 2));
    assertEquals(3, LayerDecay.layerId("vit/head/w", 2));
    // block 10 of 12 is not block 1: the index is parsed whole
    assertEquals(11, LayerDecay.layerId("vit/block10/mlp/fc1/w", 12));
    assertEquals(Math.pow(0.65, 2), LayerDecay.scale("vit/block10/mlp/fc1/w", 12, 0.65), 1e-15);
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerDecay.of(2, 1.5));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LayerDecay.of(2, 0));
    e = assertThrows(IllegalArgumentException.class, () -> LayerDecay.layerId("vit/block2/ls1", 2));
    assertTrue(e.getMessage().contains("block 2"), e.getMessage());
  }

  private static Map<String, INDArray> randomLike(Map<String, INDArray> params, long seed) {
    Nd4j.getRandom().setSeed(seed);
    Map<String, INDArray> g = new LinkedHashMap<>();
    params.forEach((k, v) -> g.put(k, Nd4j.randn(DataType.DOUBLE, v.shape())));
    return g;
  }

  private static AdamW adamW(ToDoubleFunction<String> scale) {
    WarmupCosineSchedule s = new WarmupCosineSchedule(1e-2, 1e-4, 1, 5);
    return scale == null
        ? new AdamW(s, 0.05, 0.9, 0.999, 1e-8, 0, AdamW::beitDecay)
        : new AdamW(s, 0.05, 0.9, 0.999, 1e-8, 0, AdamW::beitDecay, scale);
  }

  @Test
  void decayOneIsPlainAdamWBitForBit() {
    Map<String, INDArray> start =
        randomLike(
            handTable().entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> Nd4j.zeros(3, 4))),
            7);
    Map<String, INDArray> a = copy(start);
    Map<String, INDArray> b = copy(start);
    AdamW plain = adamW(null);
    AdamW decayed = adamW(LayerDecay.of(2, 1.0));
    for (int t = 0; t < 3; t++) {
      Map<String, INDArray> g = randomLike(start, 100 + t);
      plain.step(a, copy(g));
      decayed.step(b, copy(g));
    }
    for (String name : start.keySet()) {
      assertArrayEquals(a.get(name).data().asDouble(), b.get(name).data().asDouble(), 0.0, name);
    }
  }

  @Test
  void aScaledParameterMovesByTheScaledStep() {
    Map<String, INDArray> start = new LinkedHashMap<>();
    start.put("vit/block0/mlp/fc1/w", Nd4j.rand(DataType.DOUBLE, 3, 4));
    start.put("vit/head/w", Nd4j.rand(DataType.DOUBLE, 3, 4));
    Map<String, INDArray> a = copy(start);
    Map<String, INDArray> b = copy(start);
    Map<String, INDArray> g = randomLike(start, 5);
    adamW(null).step(a, copy(g));
    adamW(LayerDecay.of(2, 0.5)).step(b, copy(g));
    // block 0 of 2 at decay 0.5: rate x 0.25 in both the decay and the Adam step
    INDArray plainMove = a.get("vit/block0/mlp/fc1/w").sub(start.get("vit/block0/mlp/fc1/w"));
    INDArray scaledMove = b.get("vit/block0/mlp/fc1/w").sub(start.get("vit/block0/mlp/fc1/w"));
    assertArrayEquals(plainMove.mul(0.25).data().asDouble(), scaledMove.data().asDouble(), 1e-15);
    assertArrayEquals(
        a.get("vit/head/w").data().asDouble(), b.get("vit/head/w").data().asDouble(), 0.0);
  }

  private static Map<String, INDArray> copy(Map<String, INDArray> m) {
    Map<String, INDArray> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, v.castTo(DataType.DOUBLE).dup()));
    return c;
  }
}
