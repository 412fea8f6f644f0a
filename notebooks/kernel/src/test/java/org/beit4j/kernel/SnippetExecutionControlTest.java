package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import jdk.jshell.spi.ExecutionControl;
import org.junit.jupiter.api.Test;

class SnippetExecutionControlTest {

  public static Object answer() {
    return 42;
  }

  public static Object fail() {
    throw new IllegalArgumentException("bad");
  }

  @Test
  void keepsTheValueAsAnObject() throws Exception {
    SnippetExecutionControl control = new SnippetExecutionControl();
    assertEquals("42", control.invoke(getClass().getMethod("answer")));
    assertEquals(42, control.lastValue());
  }

  @Test
  void aThrowingSnippetSurfacesAsInvocationTargetException() {
    SnippetExecutionControl control = new SnippetExecutionControl();
    InvocationTargetException e =
        assertThrows(
            InvocationTargetException.class, () -> control.invoke(getClass().getMethod("fail")));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  @Test
  void anInterruptBeforeTheSnippetStartsStopsItUntilTheNextCell() throws Exception {
    SnippetExecutionControl control = new SnippetExecutionControl();
    control.stop(); // arrives while JShell is still compiling
    assertThrows(
        ExecutionControl.StoppedException.class,
        () -> control.invoke(getClass().getMethod("answer")));
    control.reset(); // next cell
    assertEquals("42", control.invoke(getClass().getMethod("answer")));
  }
}
