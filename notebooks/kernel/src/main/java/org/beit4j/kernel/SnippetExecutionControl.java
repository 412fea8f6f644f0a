package org.beit4j.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets inside the kernel's own JVM, each on a fresh thread, and keeps the value of
 * the last one as an object so that it can be rendered (an image, a chart) instead of only its
 * string.
 *
 * <p>JShell's own {@code LocalExecutionControl} waits for every thread its snippet started, so a
 * library that starts a worker pool on first use (ND4J does) would hang the cell; here only the
 * snippet's own thread is awaited. The thread's context class loader is the snippet's class loader,
 * so libraries added with {@code %maven} are found by {@link java.util.ServiceLoader} lookups.
 */
final class SnippetExecutionControl extends DirectExecutionControl {

  private final Object lock = new Object();
  private Thread running;
  private boolean stopped;
  private boolean cancelled;
  private volatile Object lastValue;

  /** Starts a new cell: forgets an interrupt that came while nothing ran. */
  void reset() {
    synchronized (lock) {
      cancelled = false;
    }
  }

  /** The value returned by the last snippet that produced one, or {@code null}. */
  Object lastValue() {
    return lastValue;
  }

  @Override
  protected String invoke(Method doitMethod) throws Exception {
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                value.set(doitMethod.invoke(null));
              } catch (InvocationTargetException e) {
                failure.set(e.getCause());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "jshell-cell");
    thread.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
    synchronized (lock) {
      if (cancelled) {
        // interrupted while JShell was still compiling this cell
        throw new ExecutionControl.StoppedException();
      }
      stopped = false;
      running = thread;
    }
    lastValue = null;
    try {
      thread.start();
      thread.join();
    } finally {
      synchronized (lock) {
        running = null;
      }
    }
    boolean wasStopped;
    synchronized (lock) {
      wasStopped = stopped;
    }
    if (wasStopped) {
      throw new ExecutionControl.StoppedException();
    }
    if (failure.get() != null) {
      throw new InvocationTargetException(failure.get());
    }
    lastValue = value.get();
    return valueString(value.get());
  }

  /**
   * Interrupts the running snippet; a snippet that does not react to interruption within a grace
   * period is stopped with {@link Thread#stop()} (still available in Java 17). Snippets of the same
   * cell that have not started yet will not run.
   */
  @Override
  @SuppressWarnings({"removal", "deprecation"})
  public void stop() {
    Thread thread;
    synchronized (lock) {
      cancelled = true;
      thread = running;
      if (thread == null) {
        return;
      }
      stopped = true;
    }
    thread.interrupt();
    try {
      thread.join(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      try {
        thread.stop();
      } catch (UnsupportedOperationException e) {
        // Java 20+: only interruption is possible.
      }
    }
  }

  /** Hands one {@link SnippetExecutionControl} to {@link jdk.jshell.JShell.Builder}. */
  static final class Provider implements ExecutionControlProvider {
    private final SnippetExecutionControl control;

    Provider(SnippetExecutionControl control) {
      this.control = control;
    }

    @Override
    public String name() {
      return "beit4j-direct";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return control;
    }
  }
}
