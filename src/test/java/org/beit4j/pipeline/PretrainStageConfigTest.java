package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.junit.jupiter.api.Test;

class PretrainStageConfigTest {

  private static PretrainStage.Options options(int depth, int clsHeadLayer) {
    return new PretrainStage.Options(
        Path.of("tok"),
        VitConfig.test().withDepth(depth),
        true,
        clsHeadLayer,
        PretrainConfig.defaultRun(10, 8).withSeed(1),
        DataSource.FASHION_MNIST,
        false,
        Path.of("out"),
        false);
  }

  @Test
  void clsHeadLayerZeroIsTheRecipesAndAnyOtherIsCheckedAgainstTheDepth() {
    assertEquals(3, PretrainStage.config(options(4, 0), 64).clsHeadLayer());
    assertEquals(1, PretrainStage.config(options(4, 1), 64).clsHeadLayer());
    assertEquals(4, PretrainStage.config(options(6, 4), 64).clsHeadLayer());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PretrainStage.config(options(4, 5), 64));
    assertTrue(e.getMessage().contains("clsHeadLayer must be in [1, 4]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> options(4, -1));
  }
}
