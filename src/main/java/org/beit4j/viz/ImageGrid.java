package org.beit4j.viz;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.beit4j.data.Image;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A grid of images, e.g. a batch {@code [B, C, H, W]} or a codebook of patches, as one picture.
 * Immutable: each {@code withX} returns a copy. Values are mapped from a range (default [0, 1], or
 * each image's own min..max with {@link #withAutoRange}) to grey or RGB; cells are scaled by an
 * integer factor (nearest neighbour) and separated by a gap; optional labels go under each cell.
 *
 * <pre>{@code
 * BufferedImage pic = ImageGrid.of(batch).withColumns(8).withScale(3).render();
 * }</pre>
 */
public final class ImageGrid {

  private static final int LABEL_SIZE = 11;

  private final List<Image> images;
  private final int columns;
  private final int scale;
  private final int gap;
  private final List<String> labels;
  private final float lo;
  private final float hi;
  private final boolean autoRange;

  private ImageGrid(
      List<Image> images,
      int columns,
      int scale,
      int gap,
      List<String> labels,
      float lo,
      float hi,
      boolean autoRange) {
    this.images = images;
    this.columns = columns;
    this.scale = scale;
    this.gap = gap;
    this.labels = labels;
    this.lo = lo;
    this.hi = hi;
    this.autoRange = autoRange;
  }

  /** Images of one size; defaults: up to 8 columns, scale 2, gap 2, range [0, 1], no labels. */
  public static ImageGrid of(List<Image> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("images must not be empty");
    }
    Image first = images.get(0);
    for (Image img : images) {
      if (img.height() != first.height() || img.width() != first.width()) {
        throw new IllegalArgumentException(
            "all images must be "
                + first.height()
                + "x"
                + first.width()
                + ", got "
                + img.height()
                + "x"
                + img.width());
      }
    }
    return new ImageGrid(
        List.copyOf(images), Math.min(8, images.size()), 2, 2, List.of(), 0f, 1f, false);
  }

  /** A batch {@code [B, C, H, W]} (C = 1 or 3). */
  public static ImageGrid of(INDArray batch) {
    return of(images(batch));
  }

  /** The images of a batch {@code [B, C, H, W]} as {@link Image}s. */
  public static List<Image> images(INDArray batch) {
    if (batch.rank() != 4) {
      throw new IllegalArgumentException("batch must be [B, C, H, W], got rank " + batch.rank());
    }
    int c = (int) batch.size(1);
    int h = (int) batch.size(2);
    int w = (int) batch.size(3);
    List<Image> out = new ArrayList<>();
    for (int b = 0; b < batch.size(0); b++) {
      float[] px = batch.slice(b).dup('c').data().asFloat();
      out.add(new Image(c, h, w, px));
    }
    return out;
  }

  public ImageGrid withColumns(int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be >= 1, got " + columns);
    }
    return new ImageGrid(images, columns, scale, gap, labels, lo, hi, autoRange);
  }

  public ImageGrid withScale(int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + scale);
    }
    return new ImageGrid(images, columns, scale, gap, labels, lo, hi, autoRange);
  }

  public ImageGrid withGap(int gap) {
    if (gap < 0) {
      throw new IllegalArgumentException("gap must be >= 0, got " + gap);
    }
    return new ImageGrid(images, columns, scale, gap, labels, lo, hi, autoRange);
  }

  /** One label per image, drawn under its cell. */
  public ImageGrid withLabels(List<String> labels) {
    if (labels.size() != images.size()) {
      throw new IllegalArgumentException(
          "need one label per image (" + images.size() + "), got " + labels.size());
    }
    return new ImageGrid(images, columns, scale, gap, List.copyOf(labels), lo, hi, autoRange);
  }

  /** Values {@code lo} and below are black, {@code hi} and above white. */
  public ImageGrid withRange(float lo, float hi) {
    if (!(hi > lo)) {
      throw new IllegalArgumentException("need hi > lo, got lo=" + lo + ", hi=" + hi);
    }
    return new ImageGrid(images, columns, scale, gap, labels, lo, hi, false);
  }

  /** Each image stretched from its own minimum to its own maximum (for normalised data). */
  public ImageGrid withAutoRange() {
    return new ImageGrid(images, columns, scale, gap, labels, lo, hi, true);
  }

  /** Width of the picture in pixels. */
  public int width() {
    return columns * cellWidth() + (columns - 1) * gap;
  }

  /** Height of the picture in pixels. */
  public int height() {
    int rows = (images.size() + columns - 1) / columns;
    return rows * cellHeight() + (rows - 1) * gap;
  }

  /** Draws the grid. */
  public BufferedImage render() {
    BufferedImage out = Pixels.canvas(width(), height());
    int cw = cellWidth();
    int ch = cellHeight();
    Graphics2D g = labels.isEmpty() ? null : Pixels.text(out, LABEL_SIZE);
    for (int i = 0; i < images.size(); i++) {
      Image img = images.get(i);
      int x0 = (i % columns) * (cw + gap);
      int y0 = (i / columns) * (ch + gap);
      float[] r = autoRange ? Pixels.range(img) : new float[] {lo, hi};
      Pixels.paint(out, img, x0, y0, scale, r[0], r[1]);
      if (g != null) {
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        String label = fit(labels.get(i), fm, cw);
        int tx = x0 + (cw - fm.stringWidth(label)) / 2;
        g.drawString(label, tx, y0 + img.height() * scale + fm.getAscent() + 1);
      }
    }
    if (g != null) {
      g.dispose();
    }
    return out;
  }

  /**
   * Pictures (e.g. from {@link TokenMap} or {@link PatchGrid}) side by side, {@code columns} per
   * row, {@code gap} pixels apart, each row as high as its tallest picture.
   */
  public static BufferedImage tile(List<BufferedImage> pictures, int columns, int gap) {
    if (pictures.isEmpty() || columns < 1 || gap < 0) {
      throw new IllegalArgumentException(
          "need pictures, columns >= 1 and gap >= 0; got "
              + pictures.size()
              + " pictures, columns "
              + columns
              + ", gap "
              + gap);
    }
    int rows = (pictures.size() + columns - 1) / columns;
    int[] colWidth = new int[columns];
    int[] rowHeight = new int[rows];
    for (int i = 0; i < pictures.size(); i++) {
      colWidth[i % columns] = Math.max(colWidth[i % columns], pictures.get(i).getWidth());
      rowHeight[i / columns] = Math.max(rowHeight[i / columns], pictures.get(i).getHeight());
    }
    int width = Arrays.stream(colWidth).sum() + (columns - 1) * gap;
    int height = Arrays.stream(rowHeight).sum() + (rows - 1) * gap;
    BufferedImage out = Pixels.canvas(width, height);
    Graphics2D g = out.createGraphics();
    int y = 0;
    for (int r = 0; r < rows; r++) {
      int x = 0;
      for (int c = 0; c < columns && r * columns + c < pictures.size(); c++) {
        g.drawImage(pictures.get(r * columns + c), x, y, null);
        x += colWidth[c] + gap;
      }
      y += rowHeight[r] + gap;
    }
    g.dispose();
    return out;
  }

  private static String fit(String s, FontMetrics fm, int width) {
    String t = s;
    while (t.length() > 1 && fm.stringWidth(t) > width) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  private int cellWidth() {
    return images.get(0).width() * scale;
  }

  private int cellHeight() {
    return images.get(0).height() * scale + (labels.isEmpty() ? 0 : LABEL_SIZE + 4);
  }
}
