package org.beit4j.data;

import java.nio.file.Path;

/**
 * An IDX file (the MNIST/Fashion-MNIST format) is missing, truncated or corrupt. Carries the file,
 * the byte offset where reading stopped and the field that was wrong.
 */
public class IdxFormatException extends DatasetException {

  private final Path file;
  private final long offset;
  private final String field;

  /**
   * @param file the IDX file
   * @param offset byte offset in the decompressed stream where the problem was found
   * @param field the header field or section ("magic", "dim0", "data", ...)
   * @param problem what is wrong, e.g. "truncated (expected 784 bytes)"
   * @param fix how to fix it, e.g. the reinstall command; may be empty
   */
  public IdxFormatException(Path file, long offset, String field, String problem, String fix) {
    super(
        file
            + ": "
            + problem
            + " at byte offset "
            + offset
            + " (field "
            + field
            + ")"
            + (fix.isEmpty() ? "" : ". " + fix));
    this.file = file;
    this.offset = offset;
    this.field = field;
  }

  /** The file that failed to parse. */
  public Path file() {
    return file;
  }

  /** Byte offset in the decompressed content where the problem was found. */
  public long offset() {
    return offset;
  }

  /** Name of the field being read: "magic", "dim0".."dimN", "data" or "trailing". */
  public String field() {
    return field;
  }
}
