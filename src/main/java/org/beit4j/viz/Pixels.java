package org.beit4j.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.beit4j.data.Image;

/** Image to pixels: value range mapping, nearest-neighbour scaling, text. Package-private. */
final class Pixels {

  static final Color BACKGROUND = Color.WHITE;

  private Pixels() {}

  /** Grey level or RGB of value {@code v} mapped from {@code [lo, hi]} to {@code [0, 255]}. */
  static int level(float v, float lo, float hi) {
    float t = hi > lo ? (v - lo) / (hi - lo) : 0f;
    return Math.round(Math.max(0f, Math.min(1f, t)) * 255f);
  }

  /** RGB of pixel (y, x): grey images repeat their channel, RGB images use channels 0..2. */
  static int rgb(Image img, int y, int x, float lo, float hi) {
    int r = level(img.get(0, y, x), lo, hi);
    if (img.channels() < 3) {
      return (r << 16) | (r << 8) | r;
    }
    int g = level(img.get(1, y, x), lo, hi);
    int b = level(img.get(2, y, x), lo, hi);
    return (r << 16) | (g << 8) | b;
  }

  /**
   * Draws {@code img} scaled by {@code scale} (nearest neighbour) with its top left at (x0, y0).
   */
  static void paint(BufferedImage out, Image img, int x0, int y0, int scale, float lo, float hi) {
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        int c = rgb(img, y, x, lo, hi);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, c);
          }
        }
      }
    }
  }

  /** A blank RGB canvas filled with {@link #BACKGROUND}. */
  static BufferedImage canvas(int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return out;
  }

  /** A graphics context with anti-aliased text of the given pixel size. */
  static Graphics2D text(BufferedImage out, int size) {
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
    return g;
  }

  /** Smallest and largest value of an image. */
  static float[] range(Image img) {
    float lo = Float.MAX_VALUE;
    float hi = -Float.MAX_VALUE;
    for (float v : img.pixels()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi};
  }
}
