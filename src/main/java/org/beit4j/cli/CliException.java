package org.beit4j.cli;

/**
 * A failure the user can fix: a missing artefact, an unwritable output directory, too little disk.
 * The message says what is wrong and how to fix it; the CLI prints it without a stack trace and
 * exits with 1.
 */
public final class CliException extends RuntimeException {

  /**
   * @param message what went wrong and how to fix it
   */
  public CliException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and how to fix it
   */
  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
