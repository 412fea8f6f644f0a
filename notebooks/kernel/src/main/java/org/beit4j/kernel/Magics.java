package org.beit4j.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * IJava's magics, same syntax: {@code %maven}, {@code %mavenRepo}, {@code %jars}, {@code
 * %classpath}, {@code %loadFromPOM} (line) and {@code %%loadFromPOM} (cell). Every path they find
 * is handed to the class-path consumer (JShell's compiler and class loader).
 */
final class Magics {

  private final MavenResolver maven;
  private final Consumer<String> classpath;
  private final Path workingDir;
  private final Map<String, String> repositories = new LinkedHashMap<>();

  Magics(MavenResolver maven, Consumer<String> classpath, Path workingDir) {
    this.maven = maven;
    this.classpath = classpath;
    this.workingDir = workingDir;
  }

  /** Runs {@code %name args}. */
  void line(String name, String args) throws KernelException {
    List<String> words = split(args);
    switch (name) {
      case "maven" -> maven(words);
      case "mavenRepo" -> mavenRepo(words);
      case "jars" -> addPaths(name, words, true);
      case "classpath" -> addPaths(name, words, false);
      case "loadFromPOM" -> loadFromPom(words);
      default -> throw new KernelException("Undefined line magic %" + name);
    }
  }

  /** Runs {@code %%name args} with the rest of the cell as {@code body}. */
  void cell(String name, String args, String body) throws KernelException {
    if (!name.equals("loadFromPOM")) {
      throw new KernelException("Undefined cell magic %%" + name);
    }
    resolvePom(body);
  }

  private void maven(List<String> coordinates) throws KernelException {
    if (coordinates.isEmpty()) {
      throw new KernelException("%maven needs at least one group:artifact:version");
    }
    PomBuilder pom = newPom();
    try {
      coordinates.forEach(pom::coordinate);
    } catch (IllegalArgumentException e) {
      throw new KernelException(e.getMessage());
    }
    addAll(maven.resolve(pom.build()));
  }

  private void mavenRepo(List<String> words) throws KernelException {
    if (words.size() != 2) {
      throw new KernelException("usage: %mavenRepo <id> <url>, got " + words);
    }
    repositories.put(words.get(0), words.get(1));
  }

  private void loadFromPom(List<String> words) throws KernelException {
    if (words.size() != 1) {
      throw new KernelException("usage: %loadFromPOM <path/to/pom.xml>, got " + words);
    }
    try {
      resolvePom(Files.readString(workingDir.resolve(words.get(0)), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new KernelException("cannot read " + words.get(0) + ": " + e);
    }
  }

  private void resolvePom(String xml) throws KernelException {
    if (xml.contains("<project")) {
      addAll(maven.resolve(xml)); // a whole POM: resolved as written
      return;
    }
    PomBuilder pom = newPom();
    try {
      pom.fragment(xml);
    } catch (IllegalArgumentException e) {
      throw new KernelException(e.getMessage());
    }
    if (pom.isEmpty()) {
      throw new KernelException("%%loadFromPOM found no <dependency> in the cell");
    }
    addAll(maven.resolve(pom.build()));
  }

  private PomBuilder newPom() {
    PomBuilder pom = new PomBuilder();
    repositories.forEach(pom::repository);
    return pom;
  }

  private void addAll(List<String> paths) {
    paths.forEach(classpath);
  }

  private void addPaths(String magic, List<String> patterns, boolean jarsOnly)
      throws KernelException {
    if (patterns.isEmpty()) {
      throw new KernelException("%" + magic + " needs at least one path or glob");
    }
    for (String pattern : patterns) {
      List<Path> found = glob(pattern);
      if (jarsOnly) {
        found.removeIf(p -> !p.getFileName().toString().endsWith(".jar"));
      }
      if (found.isEmpty()) {
        throw new KernelException("%" + magic + ": nothing matches " + pattern);
      }
      found.forEach(p -> classpath.accept(p.toString()));
    }
  }

  /** Files and directories matching {@code pattern} (a path, or a glob with * ? ** [..] {..}). */
  List<Path> glob(String pattern) throws KernelException {
    String expanded =
        pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
    int wild = firstWildcard(expanded);
    if (wild < 0) {
      Path p = workingDir.resolve(expanded).normalize();
      return Files.exists(p) ? new ArrayList<>(List.of(p)) : new ArrayList<>();
    }
    int slash = expanded.lastIndexOf('/', wild);
    Path base = workingDir.resolve(slash < 0 ? "." : expanded.substring(0, slash + 1)).normalize();
    String rest = expanded.substring(slash + 1);
    PathMatcher matcher =
        FileSystems.getDefault()
            .getPathMatcher("glob:" + base.toString().replace("\\", "/") + "/" + rest);
    if (!Files.isDirectory(base)) {
      return new ArrayList<>();
    }
    try (Stream<Path> files = Files.walk(base)) {
      return new ArrayList<>(files.filter(matcher::matches).sorted().toList());
    } catch (IOException e) {
      throw new KernelException("cannot list " + base + ": " + e);
    }
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Splits magic arguments at white space; double quotes group words. */
  static List<String> split(String args) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : args.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }
}
