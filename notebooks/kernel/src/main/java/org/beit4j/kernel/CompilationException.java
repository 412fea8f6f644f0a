package org.beit4j.kernel;

import java.util.List;

/** A cell that does not compile: javac's diagnostics, each with its source line and a caret. */
public final class CompilationException extends KernelException {
  public CompilationException(String message, List<String> traceback) {
    super(message, traceback);
  }
}
