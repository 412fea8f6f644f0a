package org.beit4j.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point Jupyter starts: {@code java -jar beit4j-kernel.jar <connection-file>} (the kernelspec
 * written by {@code bin/install-notebooks} does this through {@code bin/lib/java-kernel}).
 */
public final class KernelMain {

  /**
   * The root java.util.logging logger, held so that its level stays in force. The base kernel logs
   * socket set-up at INFO under flat names ("Loop-Shell", ...), which only the root level reaches.
   */
  private static final Logger JUL_ROOT = Logger.getLogger("");

  private KernelMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException(
          "usage: java -jar beit4j-kernel.jar <connection-file.json>, got "
              + args.length
              + " args");
    }
    JUL_ROOT.setLevel(Level.WARNING);
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    JupyterConnection connection = new KernelConnection(KernelConnectionProperties.parse(json));
    JavaKernel kernel = new JavaKernel();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }
}
