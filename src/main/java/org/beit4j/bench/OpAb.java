package org.beit4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.beit4j.Beit4j;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interleaved A/B of graph fragments (forward + backward by {@code calculateGradients}) at the
 * shapes of the ViT 28/4 D192 L6 batch-64 step: fused ND4J ops against the composed versions beit4j
 * builds. Reports the op time (from {@link OpTimer}, the part a graph change can move) and the wall
 * time per call, median over rounds, A and B alternating.
 */
public final class OpAb {
  private static final Logger LOG = LoggerFactory.getLogger(OpAb.class);

  static {
    Beit4j.init();
  }

  private static final int B = 64;
  private static final int T = 50;
  private static final int D = 192;
  private static final int H = 3;

  private OpAb() {}

  /** A fragment: builds {@code out} from placeholder x, returns the output to sum. */
  interface Fragment {
    SDVariable build(SameDiff sd, SDVariable x);
  }

  record Variant(String name, long[] xShape, Fragment f) {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<Variant[]> pairs = new ArrayList<>();
    long[] btd = {B, T, D};
    long[] flat = {(long) B * T, D};
    pairs.add(
        new Variant[] {
          new Variant(
              "layer_norm op [B,T,D] axis 2",
              btd,
              (sd, x) -> sd.nn().layerNorm(x, gain(sd), bias(sd), false, 2)),
          new Variant(
              "layer_norm composed (mean, sub, sq, mean, rsqrt, mul, mul, add)",
              btd,
              (sd, x) -> composedLayerNorm(sd, x, 2)),
        });
    pairs.add(
        new Variant[] {
          new Variant(
              "layer_norm op [B,T,D] axis 2",
              btd,
              (sd, x) -> sd.nn().layerNorm(x, gain(sd), bias(sd), false, 2)),
          new Variant(
              "layer_norm op on [B*T,D] axis 1",
              flat,
              (sd, x) -> sd.nn().layerNorm(x, gain(sd), bias(sd), false, 1)),
        });
    pairs.add(
        new Variant[] {
          new Variant("layer scale x[B,T,D] * gamma[D]", btd, (sd, x) -> x.mul(gain(sd))),
          new Variant(
              "layer scale x[B*T,D] * gamma[1,D]",
              flat,
              (sd, x) -> x.mul(sd.reshape(gain(sd), 1, D))),
        });
    pairs.add(
        new Variant[] {
          new Variant("layer scale x[B,T,D] * gamma[D]", btd, (sd, x) -> x.mul(gain(sd))),
          new Variant(
              "layer scale as x[B*T,D] mmul diag(gamma) [D,D]",
              flat,
              (sd, x) -> sd.mmul(x, sd.math().diag(gain(sd)))),
        });
    pairs.add(
        new Variant[] {
          new Variant(
              "linear mmul(x,w).add(b) [B*T,192]x[192,768]",
              flat,
              (sd, x) -> sd.mmul(x, weight(sd, D, 4 * D)).add(vec(sd, "b", 4 * D))),
          new Variant(
              "linear xw_plus_b (sd.nn().linear)",
              flat,
              (sd, x) -> sd.nn().linear(x, weight(sd, D, 4 * D), vec(sd, "b", 4 * D))),
        });
    long[] bhtd = {B, H, T, D / H};
    pairs.add(
        new Variant[] {
          new Variant(
              "q k^T by mmul transpose flag [B,h,T,hd]",
              bhtd,
              (sd, x) -> sd.mmul(x.mul(1.0), x.mul(2.0), false, true, false)),
          new Variant(
              "q k^T by permute + mmul",
              bhtd,
              (sd, x) -> sd.mmul(x.mul(1.0), sd.permute(x.mul(2.0), 0, 1, 3, 2))),
        });
    pairs.add(
        new Variant[] {
          new Variant(
              "exact gelu 0.5x(1+erf(x/sqrt2)) [B*T,768]",
              new long[] {(long) B * T, 4 * D},
              (sd, x) -> x.mul(0.5).mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0))),
          new Variant(
              "gelu op (sigmoid approx, other math: cost only)",
              new long[] {(long) B * T, 4 * D},
              (sd, x) -> sd.nn().gelu(x)),
        });
    pairs.add(
        new Variant[] {
          new Variant(
              "CE 8192: sum(onehot*logSoftmax) [4096,8192]",
              new long[] {4096, 8192},
              (sd, x) -> {
                SDVariable y = sd.constant("y", oneHot(4096, 8192));
                return sd.sum(y.mul(sd.nn().logSoftmax(x)), 1).neg();
              }),
          new Variant(
              "CE 8192: logsumexp - sum(onehot*x) (same math)",
              new long[] {4096, 8192},
              (sd, x) -> {
                SDVariable y = sd.constant("y", oneHot(4096, 8192));
                SDVariable mx = sd.max(x, true, 1);
                SDVariable lse = sd.math().log(sd.sum(sd.math().exp(x.sub(mx)), true, 1)).add(mx);
                return sd.reshape(lse, -1).sub(sd.sum(y.mul(x), 1));
              }),
        });
    LOG.info(
        String.format(
                Locale.ROOT,
                "OMP_NUM_THREADS=%s, %d rounds, A/B alternating; medians%n%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                rounds)
            .stripTrailing());
    LOG.info("| A | B | A op ms | B op ms | B/A op | A wall ms | B wall ms | B/A wall |");
    LOG.info("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    String only = args.length > 1 ? args[1] : "";
    for (Variant[] p : pairs) {
      if (!p[0].name().contains(only) && !p[1].name().contains(only)) {
        continue;
      }
      Runner a = new Runner(p[0]);
      Runner b = new Runner(p[1]);
      for (int i = 0; i < 2; i++) {
        a.run(false);
        b.run(false);
      }
      for (int i = 0; i < rounds; i++) {
        a.run(true);
        b.run(true);
      }
      double ao = median(a.ops), bo = median(b.ops), aw = median(a.wall), bw = median(b.wall);
      LOG.info(
          String.format(
                  Locale.ROOT,
                  "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                  p[0].name(),
                  p[1].name(),
                  ao,
                  bo,
                  bo / ao,
                  aw,
                  bw,
                  bw / aw)
              .stripTrailing());
    }
  }

  static final class Runner {
    final SameDiff sd = SameDiff.create();
    final Map<String, INDArray> ph = new HashMap<>();
    final List<String> params = new ArrayList<>();
    final OpTimer timer;
    final List<Double> ops = new ArrayList<>();
    final List<Double> wall = new ArrayList<>();

    Runner(Variant v) {
      SDVariable x = sd.placeHolder("x", DataType.FLOAT, v.xShape());
      SDVariable xv = sd.var("xvar", Nd4j.rand(DataType.FLOAT, v.xShape()));
      // x enters through a variable so that its gradient is computed too, as in a real graph
      SDVariable out = v.f().build(sd, x.add(xv));
      SDVariable r =
          sd.constant(
              "r",
              Nd4j.rand(
                  DataType.FLOAT,
                  out.eval(Map.of("x", Nd4j.rand(DataType.FLOAT, v.xShape()))).shape()));
      sd.sum("loss", out.mul(r));
      sd.setLossVariables("loss");
      for (SDVariable s : sd.variables()) {
        if (s.getVariableType() == VariableType.VARIABLE) {
          params.add(s.name());
        }
      }
      ph.put("x", Nd4j.rand(DataType.FLOAT, v.xShape()));
      timer = new OpTimer(Set.copyOf(sd.getOps().keySet()), n -> null);
      sd.addListeners(timer);
      timer.recording(true);
    }

    void run(boolean keep) {
      long before = timer.forward().nanos + timer.backward().nanos;
      long t0 = System.nanoTime();
      sd.calculateGradients(ph, params);
      long t1 = System.nanoTime();
      long after = timer.forward().nanos + timer.backward().nanos;
      if (keep) {
        ops.add((after - before) / 1e6);
        wall.add((t1 - t0) / 1e6);
      }
    }
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  static SDVariable gain(SameDiff sd) {
    return vec(sd, "gain", D);
  }

  static SDVariable bias(SameDiff sd) {
    return vec(sd, "bias", D);
  }

  static SDVariable vec(SameDiff sd, String name, int n) {
    return sd.hasVariable(name)
        ? sd.getVariable(name)
        : sd.var(name, Nd4j.rand(DataType.FLOAT, n).addi(0.5));
  }

  static SDVariable weight(SameDiff sd, int in, int out) {
    return sd.var("w", Nd4j.randn(DataType.FLOAT, in, out).muli(0.05));
  }

  static INDArray oneHot(int rows, int k) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, rows, k);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, (i * 7919L) % k, 1f);
    }
    return y;
  }

  /** LayerNorm over {@code axis} from elementary ops (epsilon 1e-6). */
  static SDVariable composedLayerNorm(SameDiff sd, SDVariable x, int axis) {
    SDVariable mu = sd.mean(x, true, axis);
    SDVariable c = x.sub(mu);
    SDVariable var = sd.mean(c.mul(c), true, axis);
    SDVariable inv = sd.math().rsqrt(var.add(1e-6));
    return c.mul(inv).mul(gain(sd)).add(bias(sd));
  }
}
