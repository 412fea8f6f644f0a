package org.beit4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.beit4j.data.Image;
import org.beit4j.viz.ImageGrid;
import org.beit4j.viz.TokenMap;

/**
 * Pictures of visual tokens on images: token maps (what the tokenizer calls each patch) and masked
 * image modelling at work (the mask, the tokenizer's code of each masked patch, and the pretrained
 * model's guess, right or wrong). Colours come from {@link TokenMap#colour}, so a code has the same
 * colour in every figure.
 */
public final class TokenFigures {

  /** Gap between pictures in a row and between rows. */
  static final int GAP = 6;

  static final Color RIGHT = new Color(20, 150, 40);
  static final Color WRONG = new Color(210, 30, 30);
  static final Color HIDDEN = new Color(120, 120, 170); // stands out on black and white

  private TokenFigures() {}

  /**
   * Each image next to its token map: the image tinted by its tokens, then the code grid with the
   * numbers, {@code columns} image/map pairs per row.
   *
   * @param codes {@code [B][grid * grid]} one row per image
   * @param cell pixels per token cell of the code grid (the image is scaled to the same size)
   */
  public static BufferedImage tokenMaps(
      List<Image> images, int[][] codes, int grid, int cell, int columns) {
    checkCounts(images, codes.length, "code rows");
    int side = grid * cell;
    List<BufferedImage> pictures = new ArrayList<>();
    for (int b = 0; b < images.size(); b++) {
      Image img = images.get(b);
      int scale = Math.max(1, side / img.height());
      pictures.add(TokenMap.overlay(img, codes[b], grid, scale, 0.45));
      pictures.add(TokenMap.render(codes[b], grid, cell, true));
    }
    return ImageGrid.tile(pictures, 2 * columns, GAP);
  }

  /**
   * One row per image: the image, the image with the masked patches hidden, the tokenizer's code of
   * each masked patch (the MIM target), and the model's predicted code, framed green where it is
   * the target and red where not. Visible patches are left blank in both code grids.
   *
   * @param masks {@code [B][N]} true = masked
   * @param targets {@code [B][N]} tokenizer codes
   * @param predicted {@code [B][N]} predicted codes at masked patches (others ignored)
   * @param cell pixels per patch in every panel
   */
  public static BufferedImage maskPredictions(
      List<Image> images,
      boolean[][] masks,
      int[][] targets,
      int[][] predicted,
      int grid,
      int cell) {
    checkCounts(images, masks.length, "masks");
    checkCounts(images, targets.length, "target rows");
    checkCounts(images, predicted.length, "prediction rows");
    List<BufferedImage> pictures = new ArrayList<>();
    for (int b = 0; b < images.size(); b++) {
      Image img = images.get(b);
      int scale = Math.max(1, grid * cell / img.height());
      BufferedImage plain = TokenMap.overlay(img, new int[grid * grid], grid, scale, 0);
      pictures.add(plain);
      pictures.add(hide(plain, masks[b], grid));
      pictures.add(codes(masks[b], targets[b], null, grid, cell));
      pictures.add(codes(masks[b], predicted[b], targets[b], grid, cell));
    }
    return ImageGrid.tile(pictures, 4, GAP);
  }

  /** Share of masked patches whose predicted code is the target, over all images. */
  public static double accuracy(boolean[][] masks, int[][] targets, int[][] predicted) {
    long hit = 0;
    long total = 0;
    for (int b = 0; b < masks.length; b++) {
      for (int i = 0; i < masks[b].length; i++) {
        if (masks[b][i]) {
          total++;
          hit += predicted[b][i] == targets[b][i] ? 1 : 0;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) hit / total;
  }

  /** A copy of {@code picture} with the masked patches painted over. */
  static BufferedImage hide(BufferedImage picture, boolean[] mask, int grid) {
    BufferedImage out =
        new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(picture, 0, 0, null);
    int cw = picture.getWidth() / grid;
    int ch = picture.getHeight() / grid;
    g.setColor(HIDDEN);
    for (int i = 0; i < mask.length; i++) {
      if (mask[i]) {
        g.fillRect((i % grid) * cw, (i / grid) * ch, cw, ch);
      }
    }
    g.dispose();
    return out;
  }

  /**
   * The codes of the masked cells on white; with {@code reference}, each cell framed green when it
   * equals the reference code and red when not.
   */
  static BufferedImage codes(boolean[] mask, int[] codes, int[] reference, int grid, int cell) {
    BufferedImage out = new BufferedImage(grid * cell, grid * cell, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(7, Math.min(14, cell / 2))));
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    FontMetrics fm = g.getFontMetrics();
    int frame = Math.max(1, cell / 8);
    g.setStroke(new BasicStroke(frame));
    for (int i = 0; i < mask.length; i++) {
      if (!mask[i] || codes[i] < 0) {
        continue;
      }
      int x = (i % grid) * cell;
      int y = (i / grid) * cell;
      g.setColor(TokenMap.colour(codes[i]));
      g.fillRect(x, y, cell, cell);
      if (reference != null) {
        g.setColor(codes[i] == reference[i] ? RIGHT : WRONG);
        g.drawRect(x + frame / 2, y + frame / 2, cell - frame, cell - frame);
      }
      String s = Integer.toString(codes[i]);
      g.setColor(Color.BLACK);
      g.drawString(s, x + (cell - fm.stringWidth(s)) / 2, y + (cell + fm.getAscent()) / 2 - 1);
    }
    g.setColor(new Color(210, 210, 210));
    g.setStroke(new BasicStroke(1));
    g.drawRect(0, 0, out.getWidth() - 1, out.getHeight() - 1);
    g.dispose();
    return out;
  }

  private static void checkCounts(List<Image> images, int n, String what) {
    if (images.isEmpty() || images.size() != n) {
      throw new IllegalArgumentException(
          "need one entry of " + what + " per image (" + images.size() + "), got " + n);
    }
  }
}
