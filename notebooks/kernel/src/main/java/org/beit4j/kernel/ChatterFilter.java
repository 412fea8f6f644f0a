package org.beit4j.kernel;

import java.io.PrintStream;

/**
 * Drops the "Added differentiated op X" lines that SameDiff 1.0.0-M2.1 prints to {@code
 * System.out}, unconditionally, for every op of a gradient graph (hundreds per ViT).
 *
 * <p>beit4j's {@code Beit4j.init()} filters them for ordinary programs by wrapping {@code
 * System.out} once; the Jupyter base kernel swaps {@code System.out} for every cell, so the kernel
 * applies the same filter to each cell's stream. (The kernel does not depend on the library.)
 */
final class ChatterFilter extends PrintStream {

  static final String PREFIX = "Added differentiated op ";

  ChatterFilter(PrintStream target) {
    super(target, true);
  }

  @Override
  public void println(String line) {
    if (line == null || !line.startsWith(PREFIX)) {
      super.println(line);
    }
  }
}
