package org.beit4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * Java code evaluated with JShell in this JVM: a cell is cut into snippets, which are compiled and
 * run one after another; the value of a trailing expression is returned as an object.
 */
final class JShellSession implements AutoCloseable {

  /** What a cell's code produced: a value (possibly {@code null}) or nothing to show. */
  record Result(boolean hasValue, Object value) {
    static final Result NONE = new Result(false, null);
  }

  private final SnippetExecutionControl control = new SnippetExecutionControl();
  private final JShell shell;
  private volatile boolean interrupted;

  JShellSession() {
    shell =
        JShell.builder()
            .executionEngine(new SnippetExecutionControl.Provider(control), Map.of())
            .build();
  }

  /** Makes a jar or class directory visible to the compiler and to the running code. */
  void addToClasspath(String path) {
    shell.addToClasspath(path);
  }

  /**
   * Compiles and runs {@code code}.
   *
   * @return the value of the last snippet when it is an expression without a trailing semicolon,
   *     else {@link Result#NONE}
   * @throws CompilationException when a snippet does not compile (later snippets are not run)
   * @throws EvaluationException when a snippet throws or is interrupted
   */
  Result eval(String code) throws KernelException {
    interrupted = false;
    control.reset();
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String remaining = code;
    Result result = Result.NONE;
    while (!remaining.isBlank()) {
      CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (interrupted) {
        throw interruptedError();
      }
      boolean complete = info.completeness().isComplete();
      String source = complete ? info.source() : remaining;
      remaining = complete ? info.remaining() : "";
      // As in IPython, a trailing ';' hides the value: `display(img);` shows only the image.
      boolean show =
          info.completeness() == SourceCodeAnalysis.Completeness.COMPLETE_WITH_SEMI
              || !source.strip().endsWith(";");
      Result value = evalSnippet(source);
      result = show ? value : Result.NONE;
    }
    return result;
  }

  private Result evalSnippet(String source) throws KernelException {
    Result result = Result.NONE;
    for (SnippetEvent event : shell.eval(source)) {
      if (event.causeSnippet() != null) {
        continue; // a dependent snippet's status changed, not the one just entered
      }
      Snippet snippet = event.snippet();
      if (event.status() == Snippet.Status.REJECTED) {
        throw compilationError(snippet);
      }
      if (event.exception() != null) {
        throw evaluationError(event.exception());
      }
      if (interrupted) {
        throw interruptedError();
      }
      if (producesValue(snippet)) {
        result = new Result(true, control.lastValue());
      }
    }
    return result;
  }

  private static EvaluationException interruptedError() {
    return new EvaluationException(
        "java.lang.InterruptedException",
        "cell interrupted",
        List.of("Cell interrupted (the kernel keeps its state)."));
  }

  private static boolean producesValue(Snippet snippet) {
    if (snippet.kind() == Snippet.Kind.EXPRESSION) {
      return true;
    }
    return snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
        && !"void".equals(((VarSnippet) snippet).typeName());
  }

  private CompilationException compilationError(Snippet snippet) {
    List<String> lines = new ArrayList<>();
    String first = null;
    String source = snippet.source();
    for (Diag diag : shell.diagnostics(snippet).toList()) {
      if (!diag.isError()) {
        continue;
      }
      String message = diag.getMessage(Locale.ROOT);
      if (first == null) {
        first = message;
      }
      lines.add("error: " + message);
      lines.addAll(excerpt(source, (int) diag.getStartPosition(), (int) diag.getEndPosition()));
    }
    if (first == null) {
      first = "the code was rejected by the compiler";
      lines.add(first);
    }
    return new CompilationException(first, lines);
  }

  /** The source line holding {@code start}, then a caret line under {@code start..end}. */
  private static List<String> excerpt(String source, int start, int end) {
    if (start < 0 || start > source.length()) {
      return List.of(source.strip());
    }
    int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
    if (start == 0) {
      lineStart = 0;
    }
    int lineEnd = source.indexOf('\n', start);
    if (lineEnd < 0) {
      lineEnd = source.length();
    }
    int caretEnd = Math.max(start + 1, Math.min(end, lineEnd));
    String marks = " ".repeat(start - lineStart) + "^".repeat(caretEnd - start);
    return List.of(source.substring(lineStart, lineEnd), marks);
  }

  private static EvaluationException evaluationError(JShellException exception) {
    if (exception instanceof UnresolvedReferenceException unresolved) {
      String message =
          "the cell uses a declaration that cannot run yet: " + unresolved.getSnippet().source();
      return new EvaluationException(
          "jdk.jshell.UnresolvedReferenceException", message, List.of(message));
    }
    String className =
        exception instanceof EvalException eval
            ? eval.getExceptionClassName()
            : exception.getClass().getName();
    String message = Optional.ofNullable(exception.getMessage()).orElse("");
    List<String> lines = new ArrayList<>();
    Throwable current = exception;
    boolean first = true;
    while (current != null) {
      String name =
          current instanceof EvalException eval
              ? eval.getExceptionClassName()
              : current.getClass().getName();
      String text = current.getMessage() == null ? name : name + ": " + current.getMessage();
      lines.add(first ? text : "Caused by: " + text);
      for (StackTraceElement frame : current.getStackTrace()) {
        if (frame.getClassName().startsWith("jdk.internal.reflect.")
            || frame.getClassName().startsWith("java.lang.reflect.Method")) {
          break; // the rest is the kernel calling the snippet
        }
        lines.add("\tat " + describe(frame));
      }
      first = false;
      current = current.getCause();
    }
    return new EvaluationException(
        className, message.isEmpty() ? className : className + ": " + message, lines);
  }

  /** A stack frame; JShell names a frame of cell code by snippet, e.g. {@code fail (#3:1)}. */
  private static String describe(StackTraceElement frame) {
    if (!frame.getClassName().isEmpty()) {
      return frame.toString();
    }
    String method = frame.getMethodName().isEmpty() ? "cell" : frame.getMethodName();
    return method + " (" + frame.getFileName() + ":" + frame.getLineNumber() + ")";
  }

  /** Completion candidates at {@code cursor}: the replacement texts and the start of the word. */
  List<String> completions(String code, int cursor, int[] anchor) {
    List<String> out = new ArrayList<>();
    for (SourceCodeAnalysis.Suggestion s :
        shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor)) {
      if (!out.contains(s.continuation())) {
        out.add(s.continuation());
      }
    }
    return out;
  }

  /** JShell's verdict on whether {@code code} is a complete snippet. */
  SourceCodeAnalysis.Completeness completeness(String code) {
    return shell.sourceCodeAnalysis().analyzeCompletion(code).completeness();
  }

  /** Stops the running snippet; the cell then fails with "cell interrupted". */
  void interrupt() {
    interrupted = true;
    shell.stop();
  }

  @Override
  public void close() {
    shell.close();
  }
}
