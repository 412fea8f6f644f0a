package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.beit4j.config.VitConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Self-attention with relative bias against plain Java loops (no ND4J ops in the reference). */
class AttentionTest {

  @Test
  void selfAttentionMatchesJavaLoops() {
    VitConfig cfg = new VitConfig(6, 2, 1, 8, 1, 2, 2.0, true, 0.1, false, true, 0); // 3x3, T 10
    int t = cfg.tokens();
    int d = cfg.width();
    int heads = cfg.heads();
    int hd = cfg.headDim();
    int batch = 2;
    SameDiff sd = SameDiff.create();
    Init init = new Init(9, DataType.DOUBLE);
    SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, t, d);
    SDVariable bias = RelativePositionBias.bias(sd, "rp", init, cfg);
    SDVariable y = Attention.selfAttention(sd, "attn", init, cfg, x, bias);
    Nd4j.getRandom().setSeed(1);
    // Non-zero biases so that they are tested too.
    sd.getVariable("attn/qbias").getArr().assign(Nd4j.randn(DataType.DOUBLE, d));
    sd.getVariable("attn/vbias").getArr().assign(Nd4j.randn(DataType.DOUBLE, d));
    sd.getVariable("attn/proj/b").getArr().assign(Nd4j.randn(DataType.DOUBLE, d));
    INDArray xs = Nd4j.randn(DataType.DOUBLE, batch, t, d);
    INDArray out = sd.output(Map.of("x", xs), y.name()).get(y.name());

    double[][] w = sd.getVariable("attn/qkv/w").getArr().toDoubleMatrix(); // [D, 3D]
    double[] qb = sd.getVariable("attn/qbias").getArr().toDoubleVector();
    double[] vb = sd.getVariable("attn/vbias").getArr().toDoubleVector();
    double[][] wo = sd.getVariable("attn/proj/w").getArr().toDoubleMatrix();
    double[] bo = sd.getVariable("attn/proj/b").getArr().toDoubleVector();
    double[][] table = sd.getVariable("rp/table").getArr().toDoubleMatrix(); // [R, h]
    int[][] index = RelativePositionBias.index(cfg.gridSize());

    for (int b = 0; b < batch; b++) {
      double[][] in = xs.slice(b).toDoubleMatrix(); // [T, D]
      double[][] qkv = new double[t][3 * d];
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < 3 * d; j++) {
          double s = j < d ? qb[j] : j >= 2 * d ? vb[j - 2 * d] : 0;
          for (int k = 0; k < d; k++) {
            s += in[i][k] * w[k][j];
          }
          qkv[i][j] = s;
        }
      }
      double[][] concat = new double[t][d];
      for (int h = 0; h < heads; h++) {
        for (int p = 0; p < t; p++) {
          double[] logits = new double[t];
          double max = Double.NEGATIVE_INFINITY;
          for (int q = 0; q < t; q++) {
            double s = 0;
            for (int e = 0; e < hd; e++) {
              s += qkv[p][h * hd + e] * qkv[q][d + h * hd + e];
            }
            logits[q] = s / Math.sqrt(hd) + table[index[p][q]][h];
            max = Math.max(max, logits[q]);
          }
          double z = 0;
          for (int q = 0; q < t; q++) {
            logits[q] = Math.exp(logits[q] - max);
            z += logits[q];
          }
          for (int e = 0; e < hd; e++) {
            double s = 0;
            for (int q = 0; q < t; q++) {
              s += logits[q] / z * qkv[q][2 * d + h * hd + e];
            }
            concat[p][h * hd + e] = s;
          }
        }
      }
      for (int p = 0; p < t; p++) {
        for (int j = 0; j < d; j++) {
          double s = bo[j];
          for (int k = 0; k < d; k++) {
            s += concat[p][k] * wo[k][j];
          }
          assertEquals(s, out.getDouble(b, p, j), 1e-5, "b " + b + " token " + p + " dim " + j);
        }
      }
    }
  }
}
