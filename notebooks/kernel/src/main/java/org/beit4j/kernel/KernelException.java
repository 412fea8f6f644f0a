package org.beit4j.kernel;

import java.util.List;

/**
 * A failure of a cell that the kernel reports as a Jupyter error (ename = the simple class name,
 * evalue = the message, traceback = {@link #traceback()}) while it keeps running.
 */
public class KernelException extends Exception {
  private final List<String> traceback;

  public KernelException(String message, List<String> traceback) {
    super(message);
    this.traceback = List.copyOf(traceback);
  }

  public KernelException(String message) {
    this(message, List.of(message));
  }

  public KernelException(String message, Throwable cause) {
    super(message, cause);
    this.traceback = List.of(message);
  }

  /** The lines shown under the error in the notebook. */
  public List<String> traceback() {
    return traceback;
  }
}
