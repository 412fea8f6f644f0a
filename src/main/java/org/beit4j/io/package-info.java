/**
 * Files: atomic writes, CSV, named arrays, config records as properties, and the provenance every
 * trained artefact carries. No method here knows about the paper.
 */
package org.beit4j.io;
