package org.beit4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
