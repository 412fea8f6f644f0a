package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.beit4j.pretrain.PretrainConfig;
import org.junit.jupiter.api.Test;

class DemoBudgetTest {

  @Test
  void scaledToSetsStepsImagesAndTheTeachersEpochs() {
    DemoBudget quick = DemoBudget.quick();
    DemoBudget b = quick.scaledTo(250, 5000);
    assertEquals("quick-250x5000", b.name());
    assertEquals(250, b.tokenizer().run().steps());
    assertEquals(250, b.pretrain().steps());
    assertEquals(0, b.pretrain().checkpointEvery());
    assertEquals(
        quick.pretrain().schedule().learningRate(), b.pretrain().schedule().learningRate());
    assertEquals(quick.vit(), b.vit());
    assertEquals(quick.codebookSize(), b.codebookSize());
    // the quick teacher sees 30,000 images once: here 5,000 images six times
    assertEquals(5000, b.teacher().trainLimit());
    assertEquals(6, b.teacher().epochs());
    assertEquals(5000, b.probeTrain());
    assertEquals(1000, b.probeTest());
    assertEquals(0, b.fineTuneEpochs());
  }

  @Test
  void smallSizesCapTheTeacherAtTenEpochsAndTheTestSplitAtAHundred() {
    DemoBudget ci = DemoBudget.quick().scaledTo(20, 300);
    assertEquals(300, ci.teacher().trainLimit());
    assertEquals(10, ci.teacher().epochs());
    assertEquals(300, ci.probeTrain());
    assertEquals(100, ci.probeTest());
    assertEquals(20, ci.pretrain().schedule().totalSteps());
    // more images than the budget's teacher takes: the teacher stays as it is
    DemoBudget big = DemoBudget.quick().scaledTo(900, 60_000);
    assertEquals(DemoBudget.quick().teacher(), big.teacher());
    assertEquals(5_000, big.probeTrain());
    assertThrows(IllegalArgumentException.class, () -> DemoBudget.quick().scaledTo(0, 300));
    assertThrows(IllegalArgumentException.class, () -> DemoBudget.quick().scaledTo(20, 0));
  }

  @Test
  void demoPresetsKeepTheClsBranchShallowerThanTheBackbone() {
    for (DemoBudget b : List.of(DemoBudget.quick(), DemoBudget.full())) {
      PretrainConfig c =
          PretrainConfig.of(b.vit(), b.codebookSize(), 10, 8).withClsHeadLayer(b.clsHeadLayer());
      assertEquals(1, c.clsHeadLayer(), b.name());
      assertEquals(Optional.empty(), c.clsHeadWarning(), b.name());
      assertEquals(b.clsHeadLayer(), b.scaledTo(20, 300).clsHeadLayer());
      assertTrue(b.teacherNorm() && b.scaledTo(20, 300).teacherNorm(), b.name());
    }
    DemoBudget q = DemoBudget.quick();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DemoBudget(
                    "x", q.teacher(), q.tokenizer(), true, q.vit(), q.pretrain(), 4, 10, 10, 0));
    assertEquals(
        "budget x: clsHeadLayer must be in [0, 4) (0 = the paper's choice), got 4", e.getMessage());
  }
}
