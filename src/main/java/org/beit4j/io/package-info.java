/**
 * Files: atomic writes, CSV, named arrays, the provenance every trained artefact carries, and
 * {@link org.beit4j.io.RecordProperties}, the one way a config record is saved (by name and value,
 * read back strictly, older layouts through a {@link org.beit4j.io.RecordProperties.Legacy}
 * mapping). No method here knows about the paper.
 */
package org.beit4j.io;
