package org.beit4j.pipeline;

/**
 * A failure the user can fix: a missing artefact, an unwritable output directory, too little disk.
 * The message says what is wrong and how to fix it; the CLI prints it without a stack trace and
 * exits with 1.
 */
public final class PipelineException extends RuntimeException {

  /**
   * @param message what went wrong and how to fix it
   */
  public PipelineException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and how to fix it
   */
  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
