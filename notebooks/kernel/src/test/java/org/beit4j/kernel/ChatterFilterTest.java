package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatterFilterTest {

  @Test
  void dropsOnlySameDiffGradientChatter() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream filter = new ChatterFilter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    filter.println("Added differentiated op matmul_3");
    filter.println("step 1 loss 2.30");
    filter.print("Added differentiated op kept when not a println line");
    filter.flush();
    assertEquals(
        "step 1 loss 2.30"
            + System.lineSeparator()
            + "Added differentiated op kept when not a println line",
        bytes.toString(StandardCharsets.UTF_8));
  }
}
