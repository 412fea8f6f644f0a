package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds tiny class directories, jars and a file:// Maven repository for the magic tests. */
final class TestArtifacts {

  static final String GROUP = "org.beit4j.kerneltest";

  private TestArtifacts() {}

  /**
   * Compiles {@code package pkg; public class Greeter { public String hi() { return greeting; } }}
   * into {@code dir}.
   */
  static Path compileGreeter(Path dir, String pkg, String greeting) throws IOException {
    Path src = dir.resolve("src/" + pkg + "/Greeter.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "package "
            + pkg
            + "; public class Greeter { public String hi() { return \""
            + greeting
            + "\"; } }");
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests need a JDK");
    int rc = javac.run(null, null, null, "-d", classes.toString(), src.toString());
    assertEquals(0, rc, "javac failed on " + src);
    return classes;
  }

  /** Packs a class directory into a jar. */
  static Path jar(Path classes, Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        var files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    }
    return jar;
  }

  /**
   * A Maven repository at {@code repo} holding {@code GROUP:artifact:version} whose class {@code
   * pkg.Greeter} says {@code greeting}.
   */
  static void deploy(
      Path repo, Path work, String artifact, String version, String pkg, String greeting)
      throws IOException {
    Path classes = compileGreeter(work.resolve(artifact + "-" + version), pkg, greeting);
    Path dir = repo.resolve(GROUP.replace('.', '/') + "/" + artifact + "/" + version);
    jar(classes, dir.resolve(artifact + "-" + version + ".jar"));
    Files.writeString(
        dir.resolve(artifact + "-" + version + ".pom"),
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
            + "<groupId>"
            + GROUP
            + "</groupId><artifactId>"
            + artifact
            + "</artifactId><version>"
            + version
            + "</version></project>");
  }

  /** Removes what Maven cached in {@code ~/.m2} from the test repositories. */
  static void forgetCachedTestArtifacts() throws IOException {
    Path cached =
        Path.of(System.getProperty("user.home"), ".m2/repository", GROUP.replace('.', '/'));
    if (Files.exists(cached)) {
      try (var files = Files.walk(cached)) {
        for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static void assertContainsJar(List<String> classpath, String jarName) {
    assertTrue(
        classpath.stream().anyMatch(p -> Path.of(p).getFileName().toString().equals(jarName)),
        jarName + " not on the class path " + classpath);
  }
}
