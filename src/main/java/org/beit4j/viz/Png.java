package org.beit4j.viz;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.beit4j.io.AtomicFiles;

/** PNG files written atomically (a reader sees the old file or the whole new one). */
public final class Png {

  private Png() {}

  /**
   * Writes {@code image} as PNG to {@code file}, creating parent directories.
   *
   * @return {@code file}
   * @throws java.io.UncheckedIOException naming the file when writing fails
   */
  public static Path write(RenderedImage image, Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      if (parent != null) {
        java.nio.file.Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create the folder of " + file, e);
    }
    return AtomicFiles.write(
        file,
        tmp -> {
          if (!ImageIO.write(image, "png", tmp.toFile())) {
            throw new IOException("no PNG writer for " + image.getClass().getName());
          }
        });
  }
}
