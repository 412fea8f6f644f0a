package org.beit4j.data;

/**
 * A dataset could not be read. The message names the file (or directory), what is wrong with it and
 * how to fix it, e.g. {@code ".../train-images-idx3-ubyte.gz: truncated at byte offset 1234 (...).
 * Reinstall: sudo apt-get install --reinstall dataset-fashion-mnist"}.
 */
public class DatasetException extends RuntimeException {

  /** Creates an exception with a complete message (file, problem, fix). */
  public DatasetException(String message) {
    super(message);
  }

  /** Creates an exception with a complete message and the low-level cause. */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
