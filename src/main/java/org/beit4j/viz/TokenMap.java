package org.beit4j.viz;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.beit4j.data.Image;

/**
 * Visual tokens as a picture: the {@code N = G^2} code indices of an image's patches drawn on the
 * {@code G x G} grid, one colour per code. A code's colour depends only on the code (golden-ratio
 * hue steps), so the same token has the same colour in every picture and every run.
 */
public final class TokenMap {

  private static final double GOLDEN = 0.6180339887498949;

  private TokenMap() {}

  /** The colour of code {@code k >= 0}: hue {@code frac(k * 0.618...)}, three brightness levels. */
  public static Color colour(int code) {
    if (code < 0) {
      throw new IllegalArgumentException("code must be >= 0, got " + code);
    }
    float hue = (float) ((code * GOLDEN) % 1.0);
    float saturation = 0.55f + 0.15f * (code % 3);
    float brightness = 0.95f - 0.15f * ((code / 3) % 3);
    return Color.getHSBColor(hue, saturation, brightness);
  }

  /**
   * The codes as coloured cells of {@code cell x cell} pixels, row-major on a {@code grid x grid}
   * board, with the code number written in each cell if {@code numbers}.
   *
   * @param codes {@code grid * grid} indices
   */
  public static BufferedImage render(int[] codes, int grid, int cell, boolean numbers) {
    check(codes, grid);
    if (cell < 1) {
      throw new IllegalArgumentException("cell must be >= 1, got " + cell);
    }
    BufferedImage out = Pixels.canvas(grid * cell, grid * cell);
    Graphics2D g = Pixels.text(out, Math.max(7, Math.min(14, cell / 2)));
    for (int i = 0; i < codes.length; i++) {
      g.setColor(colour(codes[i]));
      g.fillRect((i % grid) * cell, (i / grid) * cell, cell, cell);
    }
    if (numbers) {
      g.setColor(Color.BLACK);
      FontMetrics fm = g.getFontMetrics();
      for (int i = 0; i < codes.length; i++) {
        String s = Integer.toString(codes[i]);
        int x = (i % grid) * cell + (cell - fm.stringWidth(s)) / 2;
        int y = (i / grid) * cell + (cell + fm.getAscent()) / 2 - 1;
        g.drawString(s, x, y);
      }
    }
    g.dispose();
    return out;
  }

  /**
   * The image (values in [0, 1], scaled by {@code scale}) with each patch tinted by its code's
   * colour: {@code (1 - alpha) * pixel + alpha * colour}.
   *
   * @param codes {@code grid * grid} indices; {@code grid} must divide the image side
   */
  public static BufferedImage overlay(Image image, int[] codes, int grid, int scale, double alpha) {
    check(codes, grid);
    if (image.height() % grid != 0 || image.width() % grid != 0 || scale < 1) {
      throw new IllegalArgumentException(
          "grid "
              + grid
              + " must divide the image size "
              + image.height()
              + "x"
              + image.width()
              + " and scale ("
              + scale
              + ") be >= 1");
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    int ph = image.height() / grid;
    int pw = image.width() / grid;
    BufferedImage out = Pixels.canvas(image.width() * scale, image.height() * scale);
    Pixels.paint(out, image, 0, 0, scale, 0f, 1f);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        int code = codes[(y / scale / ph) * grid + x / scale / pw];
        out.setRGB(x, y, blend(out.getRGB(x, y), colour(code).getRGB(), alpha));
      }
    }
    return out;
  }

  static int blend(int rgb, int tint, double alpha) {
    int out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      int a = (rgb >> shift) & 0xff;
      int b = (tint >> shift) & 0xff;
      out |= ((int) Math.round((1 - alpha) * a + alpha * b)) << shift;
    }
    return out;
  }

  private static void check(int[] codes, int grid) {
    if (grid < 1 || codes.length != grid * grid) {
      throw new IllegalArgumentException(
          "need grid * grid codes for grid " + grid + ", got " + codes.length);
    }
  }
}
