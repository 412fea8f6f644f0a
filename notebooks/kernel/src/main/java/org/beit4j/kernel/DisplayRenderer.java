package org.beit4j.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.common.Image;
import io.github.spencerpark.jupyter.kernel.display.common.Text;
import io.github.spencerpark.jupyter.kernel.display.common.Url;
import java.awt.image.RenderedImage;
import java.lang.reflect.Method;

/**
 * Turns cell values into Jupyter display bundles: {@code text/plain} for everything, PNG for images
 * and for XChart charts. XChart is used by reflection through the chart's own class loader, so the
 * kernel works with or without it and with whichever version a notebook loads.
 */
final class DisplayRenderer {

  static final String XCHART_CHART = "org.knowm.xchart.internal.chartpart.Chart";
  static final String XCHART_ENCODER = "org.knowm.xchart.BitmapEncoder";

  private final Renderer renderer;

  DisplayRenderer() {
    this(new Renderer());
    Image.registerAll(renderer);
    Url.registerAll(renderer);
    Text.registerAll(renderer);
  }

  /** Uses an existing basekernel renderer (the kernel's, which already has the common types). */
  DisplayRenderer(Renderer renderer) {
    this.renderer = renderer;
  }

  DisplayData render(Object value) {
    if (value == null) {
      return new DisplayData("null");
    }
    Object shown = asImage(value);
    DisplayData data = renderer.render(shown);
    if (shown instanceof RenderedImage image) {
      data.putText(describe(value, image));
    }
    return data;
  }

  DisplayData renderAs(Object value, String... mimeTypes) {
    if (value == null) {
      return new DisplayData("null");
    }
    return renderer.renderAs(asImage(value), mimeTypes);
  }

  private static String describe(Object value, RenderedImage image) {
    return value.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight();
  }

  /** An XChart chart drawn to a {@code BufferedImage}; any other value unchanged. */
  static Object asImage(Object value) {
    Class<?> chartClass = findAncestor(value.getClass(), XCHART_CHART);
    if (chartClass == null) {
      return value;
    }
    try {
      Class<?> encoder = Class.forName(XCHART_ENCODER, true, chartClass.getClassLoader());
      Method draw = encoder.getMethod("getBufferedImage", chartClass);
      return draw.invoke(null, value);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot draw the XChart chart " + value.getClass(), e);
    }
  }

  private static Class<?> findAncestor(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
