package org.beit4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;

class Beit4jTest {

  @Test
  void initSwitchesTheSameDiffArrayCacheOff() {
    Beit4j.init();
    assertEquals("false", System.getProperty(Beit4j.ARRAY_CACHE_PROPERTY));
    // The session memory manager reads the property when it is constructed.
    assertFalse(new ArrayCacheMemoryMgr().isEnableCache());
  }

  @Test
  void gradientChatterIsDroppedAndEverythingElsePasses() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream filter = new Beit4j.GradientChatterFilter(new PrintStream(bytes, true));
    filter.println("Added differentiated op matmul_3");
    filter.println("loss 0.25");
    filter.println("Added differentiated ops are fine mid-sentence");
    filter.flush();
    assertEquals(
        "loss 0.25"
            + System.lineSeparator()
            + "Added differentiated ops are fine mid-sentence"
            + System.lineSeparator(),
        bytes.toString());
  }
}
