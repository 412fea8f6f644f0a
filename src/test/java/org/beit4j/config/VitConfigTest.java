package org.beit4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

public class VitConfigTest {

  static void assertMessage(String expected, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void derivedSizes() {
    VitConfig t = VitConfig.test();
    assertEquals(7, t.gridSize());
    assertEquals(49, t.numPatches());
    assertEquals(50, t.tokens());
    assertEquals(16, t.headDim());
    assertEquals(16, t.patchDim());
    assertEquals(13 * 13 + 3, t.relPosTableSize());
    VitConfig b = VitConfig.base();
    assertEquals(14, b.gridSize());
    assertEquals(197, b.tokens());
    assertEquals(64, b.headDim());
    assertEquals(3072, b.mlpHidden());
    assertEquals(732, b.relPosTableSize());
  }

  @Test
  void presetsAreBeitV2Shaped() {
    for (VitConfig c : new VitConfig[] {VitConfig.tiny(), VitConfig.small(), VitConfig.base()}) {
      assertEquals(224, c.imageSize());
      assertEquals(16, c.patchSize());
      assertEquals(3, c.channels());
      assertEquals(12, c.depth());
      assertTrue(c.relPosBias());
      assertEquals(0.1, c.layerScaleInit());
      assertEquals(64, c.headDim());
    }
    assertEquals(192, VitConfig.tiny().width());
    assertEquals(384, VitConfig.small().width());
    assertEquals(768, VitConfig.base().width());
    assertEquals(6, VitConfig.small().heads());
    assertEquals(12, VitConfig.base().heads());
    assertEquals(192, VitConfig.mnist().width());
    assertEquals(6, VitConfig.mnist().depth());
    assertEquals(1, VitConfig.mnist().channels());
  }

  @Test
  void copiesChangeOneField() {
    VitConfig t = VitConfig.test();
    assertEquals(t, t.withDepth(5).withDepth(t.depth()));
    assertEquals(32, t.withImageSize(32).imageSize());
    assertEquals(7, t.withPatchSize(7).patchSize());
    assertEquals(3, t.withChannels(3).channels());
    assertEquals(64, t.withWidth(64).width());
    assertEquals(4, t.withHeads(4).heads());
    assertEquals(false, t.withRelPosBias(false).relPosBias());
    assertEquals(true, t.withAbsPosEmbed(true).absPosEmbed());
    assertEquals(0.0, t.withLayerScaleInit(0).layerScaleInit());
    assertEquals(3.0, t.withMlpRatio(3).mlpRatio());
    assertEquals(false, t.withQkvBias(false).qkvBias());
    assertEquals(0.1, t.withDropPath(0.1).dropPath());
    assertEquals(t.width(), t.withDepth(9).width());
    assertOnlyChanged(t, t.withImageSize(32), "imageSize");
    assertOnlyChanged(t, t.withWidth(64), "width");
    assertOnlyChanged(t, t.withDropPath(0.1), "dropPath");
    assertOnlyChanged(t, t.withAbsPosEmbed(true), "absPosEmbed");
  }

  /** Every record component but {@code field} is equal in {@code a} and {@code b}. */
  public static void assertOnlyChanged(Record a, Record b, String field) {
    for (RecordComponent c : a.getClass().getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        assertEquals(
            !c.getName().equals(field), Objects.equals(x, y), c.getName() + ": " + x + " vs " + y);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void impossibleConfigsNameFieldAndValue() {
    VitConfig t = VitConfig.test();
    assertMessage("width 100 is not divisible by heads 3", () -> t.withWidth(100).withHeads(3));
    assertMessage("patchSize 5 does not divide imageSize 28", () -> t.withPatchSize(5));
    assertMessage("imageSize must be positive but was 0", () -> t.withImageSize(0));
    assertMessage("patchSize must be positive but was -4", () -> t.withPatchSize(-4));
    assertMessage("channels must be positive but was 0", () -> t.withChannels(0));
    assertMessage("depth must be positive but was 0", () -> t.withDepth(0));
    assertMessage("heads must be positive but was -1", () -> t.withHeads(-1));
    assertMessage("mlpRatio must be > 0 and finite but was -1.0", () -> t.withMlpRatio(-1));
    assertMessage("mlpRatio must be > 0 and finite but was NaN", () -> t.withMlpRatio(Double.NaN));
    assertMessage("dropPath must be in [0, 1) but was 1.0", () -> t.withDropPath(1));
    assertMessage(
        "layerScaleInit must be >= 0 and finite but was -0.5", () -> t.withLayerScaleInit(-0.5));
  }
}
