package org.beit4j.kernel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Resolves dependencies by running the installed {@code mvn} on a generated POM ({@code
 * dependency:build-classpath}). Shelling out keeps the kernel small and resolves exactly as the
 * command line does: the same {@code ~/.m2} (so {@code mvn install} of beit4j makes {@code %maven
 * org.beit4j:beit4j:...} work), {@code settings.xml}, mirrors, proxies, profiles and snapshots.
 *
 * <p>The command is {@code $BEIT4J_KERNEL_MVN} (default {@code mvn}); it may carry options, e.g.
 * {@code "mvn -o"}.
 */
final class MavenResolver {

  private final List<String> command;
  private final String plugin;
  private volatile Process running;

  MavenResolver() {
    this(defaultCommand());
  }

  MavenResolver(List<String> command) {
    this.command = List.copyOf(command);
    this.plugin = loadPluginCoordinate();
  }

  private static List<String> defaultCommand() {
    String env = System.getenv("BEIT4J_KERNEL_MVN");
    return Arrays.asList((env == null || env.isBlank() ? "mvn" : env.trim()).split("\\s+"));
  }

  private static String loadPluginCoordinate() {
    Properties p = new Properties();
    try (InputStream in = MavenResolver.class.getResourceAsStream("/beit4j-kernel.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read beit4j-kernel.properties", e);
    }
    return p.getProperty(
        "dependency.plugin", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1");
  }

  /**
   * The jars (with all transitive runtime dependencies) of the project in {@code pomXml}.
   *
   * @throws KernelException when Maven fails; the message carries Maven's error lines
   */
  List<String> resolve(String pomXml) throws KernelException {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("beit4j-kernel-mvn");
      Path pom = dir.resolve("pom.xml");
      Path classpath = dir.resolve("classpath.txt");
      Files.writeString(pom, pomXml, StandardCharsets.UTF_8);
      List<String> cmd = new ArrayList<>(command);
      cmd.addAll(
          List.of(
              "-B",
              "-q",
              "-f",
              pom.toString(),
              plugin + ":build-classpath",
              "-Dmdep.outputFile=" + classpath,
              "-Dmdep.includeScope=runtime"));
      Process process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      running = process;
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      if (exit != 0 || !Files.exists(classpath)) {
        throw new KernelException(
            "Maven could not resolve the dependencies (exit " + exit + ")",
            errorLines(output, pomXml));
      }
      String text = Files.readString(classpath, StandardCharsets.UTF_8).trim();
      List<String> jars = new ArrayList<>();
      for (String entry : text.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          jars.add(entry.trim());
        }
      }
      return jars;
    } catch (IOException e) {
      throw new KernelException(
          "cannot run Maven (" + String.join(" ", command) + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KernelException("dependency resolution interrupted");
    } finally {
      running = null;
      deleteQuietly(dir);
    }
  }

  /** Kills a running resolution (kernel interrupt). */
  void cancel() {
    Process p = running;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  private static List<String> errorLines(String output, String pomXml) {
    List<String> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.contains("ERROR") && !line.contains("[ERROR] -> [Help")) {
        lines.add(line.replaceAll("\u001B\\[[0-9;]*m", ""));
      }
    }
    if (lines.isEmpty()) {
      lines.addAll(Arrays.asList(output.split("\n")));
    }
    lines.add("--- generated POM ---");
    lines.addAll(Arrays.asList(pomXml.split("\n")));
    return lines;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a left-over temp directory is harmless
    }
  }
}
