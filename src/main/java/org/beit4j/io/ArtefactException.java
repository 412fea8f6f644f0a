package org.beit4j.io;

import java.nio.file.Path;

/**
 * A saved artefact (backbone, teacher, tokenizer, checkpoint, ...) that cannot be loaded: nothing
 * at the path, another kind of artefact, a newer format, a truncated or corrupted file. The one
 * exception every beit4j {@code load} throws for a bad artefact; unchecked, like the {@link
 * IllegalArgumentException} it is (the path is the argument that is wrong).
 *
 * <p>The message always reads {@code Cannot load <kind> from <path>: <what is wrong>}.
 */
public final class ArtefactException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient Path path;
  private final String kind;

  /**
   * @param path the file or directory that was read
   * @param kind the kind of artefact the caller expected, e.g. "backbone"
   * @param problem what is wrong, e.g. "backbone.sd is truncated: 1000 of 5230412 bytes"
   */
  public ArtefactException(Path path, String kind, String problem) {
    this(path, kind, problem, null);
  }

  public ArtefactException(Path path, String kind, String problem, Throwable cause) {
    super("Cannot load " + kind + " from " + path.toAbsolutePath() + ": " + problem, cause);
    this.path = path;
    this.kind = kind;
  }

  /** The file or directory that was read. */
  public Path path() {
    return path;
  }

  /** The kind of artefact that was expected. */
  public String kind() {
    return kind;
  }
}
