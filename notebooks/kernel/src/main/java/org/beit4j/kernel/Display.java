package org.beit4j.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Functions every cell can call ({@code import static org.beit4j.kernel.Display.*} runs at
 * start-up), with the same names and shapes as IJava's, so notebooks work under both kernels.
 */
public final class Display {

  private static volatile DisplayRenderer renderer = new DisplayRenderer();
  private static volatile Consumer<DisplayData> sink = data -> {};

  private Display() {}

  /** Routes {@link #display} output; called by the kernel that owns the current cell. */
  static void install(DisplayRenderer displayRenderer, Consumer<DisplayData> displaySink) {
    renderer = displayRenderer;
    sink = displaySink;
  }

  /**
   * Shows {@code value} below the cell now (text, an image as PNG, an XChart chart as PNG).
   *
   * @return the display id of the output
   */
  public static String display(Object value) {
    DisplayData data = renderer.render(value);
    String id = data.hasDisplayId() ? data.getDisplayId() : UUID.randomUUID().toString();
    data.setDisplayId(id);
    sink.accept(data);
    return id;
  }

  /** Shows {@code value} rendered only as the given MIME types (e.g. {@code "text/html"}). */
  public static String display(Object value, String... mimeTypes) {
    DisplayData data = renderer.renderAs(value, mimeTypes);
    String id = UUID.randomUUID().toString();
    data.setDisplayId(id);
    sink.accept(data);
    return id;
  }

  /** The display bundle of {@code value} without showing it. */
  public static DisplayData render(Object value) {
    return renderer.render(value);
  }
}
