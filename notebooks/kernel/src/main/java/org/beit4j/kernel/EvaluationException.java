package org.beit4j.kernel;

import java.util.List;

/**
 * A cell that compiled but failed while running: an exception thrown by the cell (its class name
 * and message, then its stack trace), an unresolved reference, or an interrupt.
 */
public final class EvaluationException extends KernelException {
  private final String exceptionClass;

  public EvaluationException(String exceptionClass, String message, List<String> traceback) {
    super(message, traceback);
    this.exceptionClass = exceptionClass;
  }

  /** Fully qualified class name of the exception the cell threw, e.g. {@code java.lang.Error}. */
  public String exceptionClass() {
    return exceptionClass;
  }
}
