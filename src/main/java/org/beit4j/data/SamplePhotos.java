package org.beit4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small natural-image set in {@code datasets/samples}: 64x64 crops of six CC0/public-domain
 * photos shipped with scikit-image (astronaut, camera, chelsea, coffee, hubble, rocket), one class
 * per photo. Made by {@code datasets/build-samples.sh}; see {@code datasets/README.md}.
 *
 * <p>The directory is taken from the system property {@value #DIR_PROPERTY} if set, otherwise
 * {@code datasets/samples} is looked for in the working directory and its parents (so notebooks and
 * tests run from anywhere inside the repository find it).
 */
public final class SamplePhotos {

  /** System property that overrides the location of the samples directory. */
  public static final String DIR_PROPERTY = "beit4j.samples.dir";

  private SamplePhotos() {}

  /** The samples directory. @throws DatasetException if it cannot be found */
  public static Path dir() {
    String prop = System.getProperty(DIR_PROPERTY);
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("datasets").resolve("samples");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new DatasetException(
        "datasets/samples not found from "
            + Path.of("").toAbsolutePath()
            + " upwards. Run inside the beit4j repository, set -D"
            + DIR_PROPERTY
            + "=<dir>, or rebuild it with datasets/build-samples.sh");
  }

  /** The crops as an RGB image folder (the grey "camera" photo is replicated to 3 channels). */
  public static ImageFolder open() {
    return ImageFolder.open(dir(), 3);
  }
}
