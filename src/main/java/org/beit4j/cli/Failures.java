package org.beit4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.beit4j.data.DatasetException;
import org.beit4j.pipeline.PipelineException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command threw into a message and an exit code: 1 for every failure (usage errors,
 * exit code 2, are picocli's). Known failures (a {@link PipelineException}, bad arguments,
 * unreadable files or data) print their message only; running out of memory prints how to give Java
 * more; anything else prints its stack trace too. {@code BEIT4J_DEBUG=1} adds the stack trace
 * always.
 */
final class Failures {

  /** Exit code of a run that failed. */
  static final int FAILURE = 1;

  private Failures() {}

  /** Picocli's execution exception handler. */
  static int handle(Exception e, CommandLine cmd, ParseResult parsed) {
    return report(e, cmd.getErr(), cmd.getCommandName());
  }

  /** Prints what went wrong to {@code err} and returns {@link #FAILURE}. */
  static int report(Throwable t, PrintWriter err, String command) {
    String prefix = "beit4j " + command + ": ";
    OutOfMemoryError oom = find(t, OutOfMemoryError.class);
    if (oom != null) {
      err.println(prefix + "out of memory (" + oom.getMessage() + ").");
      err.println(
          "  Give Java more memory, e.g. BEIT4J_JAVA_MEM='-Xmx8g"
              + " -Dorg.bytedeco.javacpp.maxbytes=12g -Dorg.bytedeco.javacpp.maxphysicalbytes=0'"
              + " bin/beit4j "
              + command
              + " ..., or use a smaller --batch (or a smaller model preset).");
      err.println("  Artefacts already written are complete; nothing half-written was left.");
    } else if (t instanceof PipelineException
        || t instanceof IllegalArgumentException
        || t instanceof UncheckedIOException
        || t instanceof DatasetException) {
      err.println(prefix + messages(t));
      if (System.getenv("BEIT4J_DEBUG") != null) {
        t.printStackTrace(err);
      }
    } else {
      err.println(prefix + "failed: " + messages(t));
      t.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append("\n  caused by: ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
