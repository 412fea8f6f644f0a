package org.beit4j.nn;

import org.beit4j.config.VitConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BEiT's relative position bias (Bao et al. 2022, section 2.2), one table shared by all blocks.
 *
 * <p>A learned table {@code [R, heads]}, {@code R = (2G-1)^2 + 3}, holds one value per head for
 * every 2-D offset {@code (dy, dx)} between two patches (row {@code (dy+G-1)(2G-1) + dx+G-1}) and
 * three extra rows for [CLS]-to-patch ({@code R-3}), patch-to-[CLS] ({@code R-2}) and
 * [CLS]-to-[CLS] ({@code R-1}). The bias is {@code B[h, p, q] = table[index[p][q], h]}.
 *
 * <p>SameDiff's {@code gather} has no working backprop in M2.1, so the lookup is written as matrix
 * products with constant one-hot matrices. The patch part factorises over rows and columns, {@code
 * B[h,(i1,j1),(i2,j2)] = sum_ab Ey[(i1,i2),a] Tab[h,a,b] Ex[(j1,j2),b]}, which keeps the constants
 * at {@code O(G^2 (2G-1))} values instead of a {@code [T^2, R]} one-hot matrix (113 MB at 224/16).
 */
public final class RelativePositionBias {

  private RelativePositionBias() {}

  /**
   * The table row used by token pair {@code (p, q)}, tokens in [CLS]-first, row-major order.
   *
   * @return {@code int[T][T]}, {@code T = 1 + G^2}
   */
  public static int[][] index(int grid) {
    int span = 2 * grid - 1;
    int rows = span * span + 3;
    int t = 1 + grid * grid;
    int[][] index = new int[t][t];
    for (int p = 0; p < t; p++) {
      for (int q = 0; q < t; q++) {
        if (p == 0 && q == 0) {
          index[p][q] = rows - 1;
        } else if (p == 0) {
          index[p][q] = rows - 3;
        } else if (q == 0) {
          index[p][q] = rows - 2;
        } else {
          int dy = (p - 1) / grid - (q - 1) / grid;
          int dx = (p - 1) % grid - (q - 1) % grid;
          index[p][q] = (dy + grid - 1) * span + (dx + grid - 1);
        }
      }
    }
    return index;
  }

  /**
   * The shared bias {@code B[h, p, q] = table[index[p][q], h]}.
   *
   * @return {@code [heads, T, T]}; parameter {@code scope/table [R, heads]} (truncated normal)
   */
  public static SDVariable bias(SameDiff sd, String scope, Init init, VitConfig cfg) {
    int g = cfg.gridSize();
    int h = cfg.heads();
    int n = cfg.numPatches();
    int span = 2 * g - 1;
    int rows = cfg.relPosTableSize();
    DataType dt = init.dataType();
    SDVariable table = sd.var(scope + "/table", init.truncNormal(rows, h)); // [R, h]

    // Patch-to-patch part.
    INDArray select = Nd4j.zeros(dt, span * span, rows);
    for (int r = 0; r < span * span; r++) {
      select.putScalar(r, r, 1.0);
    }
    INDArray offsets = Nd4j.zeros(dt, span, g * g); // [2G-1, G^2]: (a, (u1, u2)) = [a == u1-u2+G-1]
    for (int u1 = 0; u1 < g; u1++) {
      for (int u2 = 0; u2 < g; u2++) {
        offsets.putScalar(u1 - u2 + g - 1, u1 * g + u2, 1.0);
      }
    }
    SDVariable sel = sd.constant(scope + "/select", select); // [(2G-1)^2, R]
    SDVariable off = sd.constant(scope + "/offsets", offsets); // [2G-1, G^2]
    SDVariable tab = sd.mmul(sel, table); // [(2G-1)^2, h], row a*(2G-1)+b
    tab = sd.reshape(sd.permute(tab, 1, 0), (long) h * span, span); // [h*(2G-1)a, (2G-1)b]
    SDVariable y = sd.mmul(tab, off); // [h*(2G-1), G^2]: (h, a), (j1, j2)
    y = sd.permute(sd.reshape(y, h, span, g * g), 0, 2, 1); // [h, G^2 (j1,j2), 2G-1 a]
    y = sd.mmul(sd.reshape(y, (long) h * g * g, span), off); // [h*G^2, G^2]: (h,j1,j2), (i1,i2)
    y = sd.reshape(y, h, g, g, g, g); // [h, j1, j2, i1, i2]
    SDVariable patch = sd.reshape(sd.permute(y, 0, 3, 1, 4, 2), h, n, n); // [h, N, N]

    // [CLS] rows and columns.
    SDVariable onesN = sd.constant(scope + "/ones", Nd4j.ones(dt, 1, n)); // [1, N]
    SDVariable clsToPatch =
        sd.mmul(sd.permute(row(sd, scope, "c2p", table, rows - 3, dt), 1, 0), onesN);
    SDVariable patchToCls =
        sd.mmul(sd.permute(row(sd, scope, "p2c", table, rows - 2, dt), 1, 0), onesN);
    SDVariable clsToCls =
        sd.reshape(row(sd, scope, "c2c", table, rows - 1, dt), h, 1, 1); // [h,1,1]
    SDVariable top = sd.concat(2, clsToCls, sd.reshape(clsToPatch, h, 1, n)); // [h, 1, T]
    SDVariable body = sd.concat(2, sd.reshape(patchToCls, h, n, 1), patch); // [h, N, T]
    return sd.concat(1, top, body); // [h, T, T]
  }

  /** Row {@code r} of the table as {@code [1, h]}, by a one-hot product. */
  private static SDVariable row(
      SameDiff sd, String scope, String name, SDVariable table, int r, DataType dt) {
    INDArray oneHot = Nd4j.zeros(dt, 1, table.getShape()[0]);
    oneHot.putScalar(0, r, 1.0);
    return sd.mmul(sd.constant(scope + "/" + name, oneHot), table); // [1, h]
  }
}
