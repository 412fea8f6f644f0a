package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/**
 * Makes a directory unwritable for tests. Permission bits do not stop root, so as root the
 * directory is also made immutable with {@code chattr +i} (ext4 and most local file systems).
 */
final class ReadOnly {

  private ReadOnly() {}

  static void set(Path dir, boolean readOnly) throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      Process p = new ProcessBuilder("chattr", readOnly ? "+i" : "-i", dir.toString()).start();
      assertEquals(0, p.waitFor(), "chattr on " + dir);
    }
    dir.toFile().setWritable(!readOnly, false);
  }
}
