package org.beit4j.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.beit4j.data.Image;
import org.beit4j.data.Patches;

/**
 * An image as a sequence of patches (seed article section 2, {@code N = HW / P^2}): the image with
 * its patch boundaries, the patches pulled apart in place, or the patches in reading order as the
 * transformer receives them. Patch numbers are their sequence positions, row-major from 0.
 */
public final class PatchGrid {

  /** Colour of boundaries and numbers. */
  public static final Color LINE = new Color(230, 40, 40);

  private PatchGrid() {}

  /**
   * The image scaled by {@code scale} with a line on every patch boundary and, if {@code numbers},
   * each patch's position in the sequence in its top left corner.
   *
   * @param image values in [0, 1]
   * @param patch side P, must divide H and W
   */
  public static BufferedImage boundaries(Image image, int patch, int scale, boolean numbers) {
    check(image, patch, scale);
    int w = image.width() * scale;
    int h = image.height() * scale;
    BufferedImage out = Pixels.canvas(w, h);
    Pixels.paint(out, image, 0, 0, scale, 0f, 1f);
    Graphics2D g = Pixels.text(out, fontSize(patch * scale));
    g.setColor(LINE);
    g.setStroke(new BasicStroke(1f));
    int step = patch * scale;
    for (int x = step; x < w; x += step) {
      g.drawLine(x, 0, x, h - 1);
    }
    for (int y = step; y < h; y += step) {
      g.drawLine(0, y, w - 1, y);
    }
    if (numbers) {
      drawNumbers(g, image, patch, step, 0);
    }
    g.dispose();
    return out;
  }

  /** The patches in their grid places, {@code gap} pixels apart, optionally numbered. */
  public static BufferedImage exploded(
      Image image, int patch, int scale, int gap, boolean numbers) {
    check(image, patch, scale);
    if (gap < 0) {
      throw new IllegalArgumentException("gap must be >= 0, got " + gap);
    }
    int gx = image.width() / patch;
    int gy = image.height() / patch;
    int step = patch * scale + gap;
    BufferedImage out = Pixels.canvas(gx * step - gap, gy * step - gap);
    float[][] ps = Patches.of(image, patch);
    for (int i = 0; i < ps.length; i++) {
      Image p = Patches.toImage(ps[i], image.channels(), patch);
      Pixels.paint(out, p, (i % gx) * step, (i / gx) * step, scale, 0f, 1f);
    }
    if (numbers) {
      Graphics2D g = Pixels.text(out, fontSize(patch * scale));
      g.setColor(LINE);
      drawNumbers(g, image, patch, step, 0);
      g.dispose();
    }
    return out;
  }

  /**
   * The patches in sequence order, {@code columns} per row, each labelled with its position: what
   * the transformer reads, with the 2-D layout gone.
   */
  public static BufferedImage sequence(Image image, int patch, int scale, int columns) {
    check(image, patch, scale);
    float[][] ps = Patches.of(image, patch);
    List<Image> cells = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      cells.add(Patches.toImage(ps[i], image.channels(), patch));
      labels.add(Integer.toString(i));
    }
    return ImageGrid.of(cells)
        .withColumns(columns)
        .withScale(scale)
        .withGap(3)
        .withLabels(labels)
        .render();
  }

  private static void drawNumbers(Graphics2D g, Image image, int patch, int step, int offset) {
    int gx = image.width() / patch;
    int gy = image.height() / patch;
    int ascent = g.getFontMetrics().getAscent();
    for (int i = 0; i < gx * gy; i++) {
      g.drawString(Integer.toString(i), (i % gx) * step + 2 + offset, (i / gx) * step + ascent);
    }
  }

  private static int fontSize(int cellPixels) {
    return Math.max(7, Math.min(14, cellPixels / 3));
  }

  private static void check(Image image, int patch, int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + scale);
    }
    Patches.checkDivides(image, patch);
  }
}
