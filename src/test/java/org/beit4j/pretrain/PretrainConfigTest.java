package org.beit4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.Test;

class PretrainConfigTest {

  private static PretrainConfig of(int depth) {
    return PretrainConfig.of(VitConfig.test().withDepth(depth), 64, 10, 8);
  }

  @Test
  void theClsBranchIsCheckedAgainstTheDepthAndWarnedAboutWhenNotShallower() {
    // the demo's shape: 4 blocks, default l = round(3/4 * 4) = 3, 3 + 2 = 5 >= 4
    PretrainConfig demo = of(4);
    assertEquals(3, demo.clsHeadLayer());
    String w = demo.clsHeadWarning().orElseThrow();
    assertTrue(w.contains("reads block 3 and adds 2 blocks: 5 blocks deep"), w);
    assertTrue(w.contains("choose clsHeadLayer < 2"), w);
    assertEquals(Optional.empty(), demo.withClsHeadLayer(1).clsHeadWarning(), "1 + 2 < 4");
    assertTrue(demo.withClsHeadLayer(2).clsHeadWarning().isPresent(), "2 + 2 = 4 is not shallower");
    assertEquals(Optional.empty(), demo.withClsHead(false).clsHeadWarning(), "no branch");
    // the paper's: 12 blocks, l = 9, 9 + 2 < 12
    PretrainConfig paper = of(12);
    assertEquals(9, paper.clsHeadLayer());
    assertEquals(Optional.empty(), paper.clsHeadWarning());
    assertEquals(Optional.empty(), of(6).withClsHeadLayer(3).clsHeadWarning(), "6 blocks, l = 3");
    assertTrue(of(2).clsHeadWarning().orElseThrow().contains("impossible at this depth"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> demo.withClsHeadLayer(5));
    assertTrue(e.getMessage().contains("clsHeadLayer must be in [1, 4] but was 5"), e.getMessage());
  }
}
