package org.beit4j.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel does with a cell, independent of Jupyter messaging: runs its magics and its Java
 * code, and returns what to show. Tests drive this class directly.
 *
 * <p>Cells start with these imports in scope (those of the {@code jshell} tool plus {@code
 * display}): {@link #IMPORTS}.
 */
public final class JavaEvaluator implements AutoCloseable {

  /** Evaluated once at start-up. */
  static final String IMPORTS =
      """
      import java.io.*;
      import java.math.*;
      import java.net.*;
      import java.nio.file.*;
      import java.util.*;
      import java.util.concurrent.*;
      import java.util.function.*;
      import java.util.regex.*;
      import java.util.stream.*;
      import static org.beit4j.kernel.Display.*;
      """;

  private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%(\\w+)[ \\t]*([^\\n]*)\\n?");
  private static final Pattern LINE_MAGIC = Pattern.compile("^\\s*%(\\w+)(.*)$");

  private final JShellSession session = new JShellSession();
  private final DisplayRenderer renderer;
  private final MavenResolver maven;
  private final Magics magics;
  private final Set<String> classpath = new LinkedHashSet<>();

  /** A session resolving with {@code mvn}, relative paths against the working directory. */
  public JavaEvaluator(Consumer<DisplayData> displaySink) {
    this(displaySink, new DisplayRenderer(), new MavenResolver(), Path.of("").toAbsolutePath());
  }

  JavaEvaluator(
      Consumer<DisplayData> displaySink,
      DisplayRenderer renderer,
      MavenResolver maven,
      Path workingDir) {
    this.renderer = renderer;
    this.maven = maven;
    this.magics = new Magics(maven, this::addToClasspath, workingDir);
    Display.install(renderer, displaySink);
    addToClasspath(kernelCodeLocation());
    try {
      session.eval(IMPORTS);
    } catch (KernelException e) {
      throw new IllegalStateException("the start-up imports failed: " + e.traceback(), e);
    }
  }

  /**
   * Runs one cell: a {@code %%magic} cell, or Java code with {@code %magic} lines anywhere (run in
   * order with the code around them).
   *
   * @return the rendered value of the cell's trailing expression, or {@code null}
   */
  public DisplayData eval(String cell) throws KernelException {
    Matcher cellMagic = CELL_MAGIC.matcher(cell);
    if (cellMagic.find()) {
      magics.cell(cellMagic.group(1), cellMagic.group(2), cell.substring(cellMagic.end()));
      return null;
    }
    JShellSession.Result result = JShellSession.Result.NONE;
    StringBuilder code = new StringBuilder();
    for (String line : cell.split("\n", -1)) {
      Matcher lineMagic = LINE_MAGIC.matcher(line);
      if (lineMagic.matches()) {
        runCode(code);
        magics.line(lineMagic.group(1), lineMagic.group(2));
        result = JShellSession.Result.NONE;
      } else {
        code.append(line).append('\n');
      }
    }
    if (!code.toString().isBlank()) {
      result = session.eval(code.toString());
    }
    return result.hasValue() ? renderer.render(result.value()) : null;
  }

  private void runCode(StringBuilder code) throws KernelException {
    if (!code.toString().isBlank()) {
      session.eval(code.toString());
    }
    code.setLength(0);
  }

  /** Adds a jar or directory for the following cells (once; repeats are ignored). */
  public void addToClasspath(String path) {
    if (classpath.add(path)) {
      session.addToClasspath(path);
    }
  }

  /** Everything added to the cells' class path so far, in order. */
  public List<String> classpath() {
    return new ArrayList<>(classpath);
  }

  /** Stops the running cell (its code or a Maven resolution); the session keeps its state. */
  public void interrupt() {
    maven.cancel();
    session.interrupt();
  }

  /** Completions at {@code cursor}; {@code anchor[0]} receives where the completed word starts. */
  public List<String> complete(String code, int cursor, int[] anchor) {
    return session.completions(code, cursor, anchor);
  }

  /** JShell's completeness verdict for a console front-end. */
  public jdk.jshell.SourceCodeAnalysis.Completeness completeness(String code) {
    return session.completeness(code);
  }

  @Override
  public void close() {
    session.close();
  }

  private static String kernelCodeLocation() {
    try {
      return Path.of(Display.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the kernel's classes", e);
    }
  }
}
