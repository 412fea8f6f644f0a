package org.beit4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.beit4j.Beit4j;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.PretrainModel;
import org.beit4j.train.AdamW;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-op profile of one training step (issue 14, part 2): the ViT classifier step of {@link
 * ClassifierBench} and the MIM + [CLS] pretraining step ({@link PretrainModel#fitPass} + {@link
 * AdamW}, as {@code Pretrainer.step} runs it).
 *
 * <p>Each op is attributed to the graph-building method that made it: the graph is built a second
 * time by the same public methods in the same order, recording which op names each call added
 * (SameDiff names ops deterministically), and the two op lists are checked to be identical. A
 * backward op is attributed to the forward op whose output gradient it consumes.
 *
 * <pre>
 * java -Dorg.nd4j.autodiff.samediff=false -cp ... org.beit4j.bench.StepProfile CASE [warmup] [steps] [out.md]
 * CASE: vit | mim-demo | mim-8192
 * </pre>
 */
public final class StepProfile {
  private static final Logger LOG = LoggerFactory.getLogger(StepProfile.class);

  static {
    Beit4j.init();
  }

  /** A built step: the graph, what one step runs, and each forward op's region. */
  record Built(String name, SameDiff sd, Runnable step, Map<String, String> regions) {}

  private StepProfile() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "vit";
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path out = args.length > 3 ? Path.of(args[3]) : null;
    Built b = build(which);
    String report = profile(b, warmup, steps);
    LOG.info("\n{}", report);
    if (out != null) {
      try {
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The named case. */
  static Built build(String which) {
    return build(which, 64);
  }

  /** The named case at another batch size (the names say 64). */
  static Built build(String which, int batch) {
    return switch (which) {
      case "vit" -> classifier(VitConfig.mnist(), batch);
      case "mim-demo" ->
          mim(
              "mim-demo (ViT 28/4 D96 L4 h3, codebook 64, batch 64, [CLS] head)",
              VitConfig.mnist().withDepth(4).withWidth(96).withHeads(3),
              64,
              batch);
      case "mim-8192" ->
          mim(
              "mim-8192 (ViT 32/4 D192 L6 h3, 1 channel, codebook 8192, batch 64," + " [CLS] head)",
              VitConfig.mnist().withImageSize(32),
              8192,
              batch);
      default -> throw new IllegalArgumentException("unknown case " + which);
    };
  }

  // ---- the cases -------------------------------------------------------------------------------

  /** {@link ClassifierBench}'s step: {@code VisionTransformer.fit} on random images. */
  static Built classifier(VitConfig cfg, int batch) {
    int classes = 10;
    VisionTransformer vit = VisionTransformer.build(cfg, 1L, classes).configureTraining(1e-4);
    INDArray images =
        Nd4j.rand(DataType.FLOAT, batch, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes);
    for (int i = 0; i < batch; i++) {
      labels.putScalar(i, i % classes, 1f);
    }
    MultiDataSet data = new MultiDataSet(images, labels);
    Map<String, String> regions = StepRegions.classifierRegions(cfg, classes);
    StepRegions.check(vit.sameDiff(), regions);
    return new Built(
        "vit (ViT 28/4 D192 L6 h3 classifier, batch 64, sd.fit with Adam)",
        vit.sameDiff(),
        () -> vit.fit(data),
        regions);
  }

  /** {@code Pretrainer.step} without the tokenizer: fitPass then AdamW on fixed batch. */
  static Built mim(String name, VitConfig vit, int codebook, int batch) {
    PretrainConfig config = PretrainConfig.of(vit, codebook, 1000, batch);
    PretrainModel model = PretrainModel.build(config, DataType.FLOAT);
    int n = vit.numPatches();
    INDArray images =
        Nd4j.rand(DataType.FLOAT, batch, vit.channels(), vit.imageSize(), vit.imageSize());
    INDArray mask = Nd4j.rand(DataType.FLOAT, batch, n).lt(0.4).castTo(DataType.FLOAT);
    INDArray codes = Nd4j.rand(DataType.FLOAT, batch, n).muli(codebook).castTo(DataType.INT);
    PretrainModel.Batch data = new PretrainModel.Batch(images, mask, codes);
    AdamW adamw = AdamW.of(config.run().optimizer(), config.run().schedule(), AdamW::beitDecay);
    Map<String, String> regions = StepRegions.mimRegions(config);
    StepRegions.check(model.sameDiff(), regions);
    Runnable step =
        () -> {
          PretrainModel.Pass pass = model.fitPass(data);
          Map<String, INDArray> params = new LinkedHashMap<>();
          for (String p : model.parameterNames()) {
            params.put(p, model.parameter(p));
          }
          adamw.step(params, pass.gradients());
        };
    return new Built(name, model.sameDiff(), step, regions);
  }

  // ---- regions: the same graph rebuilt call by call --------------------------------------------

  /** Runs warm-up then timed steps and returns the Markdown report of the timed ones. */
  static String profile(Built b, int warmup, int steps) {
    SameDiff sd = b.sd();
    Set<String> forward = Set.copyOf(sd.getOps().keySet());
    Map<String, String> varRegion = new HashMap<>();
    for (var e : sd.getOps().entrySet()) {
      for (String o : e.getValue().getOutputsOfOp()) {
        varRegion.put(o, b.regions().get(e.getKey()));
      }
    }
    // backward ops: resolved on first sight from their inputs, then cached
    Map<String, String> opRegion = new HashMap<>(b.regions());
    OpTimer timer = new OpTimer(forward, op -> opRegion.get(op));
    sd.addListeners(timer);
    for (int i = 0; i < warmup; i++) {
      b.step().run();
    }
    // attribute backward ops (the gradient graph exists now)
    SameDiff grad = sd.getFunction("grad");
    if (grad != null) {
      for (var e : grad.getOps().entrySet()) {
        if (opRegion.containsKey(e.getKey())) {
          continue;
        }
        String r = backwardRegion(e.getValue().getInputsToOp(), varRegion);
        opRegion.put(e.getKey(), r);
        for (String o : e.getValue().getOutputsOfOp()) {
          varRegion.putIfAbsent(o, r);
        }
      }
    }
    timer.recording(true);
    long[] wall = new long[steps];
    for (int i = 0; i < steps; i++) {
      timer.stepStart();
      long t0 = System.nanoTime();
      b.step().run();
      wall[i] = System.nanoTime() - t0;
      timer.stepEnd();
    }
    sd.getListeners().remove(timer);
    return report(b, timer, wall, forward.size(), grad == null ? -1 : grad.getOps().size());
  }

  /** Region of a backward op: that of the forward value whose gradient it takes in. */
  static String backwardRegion(List<String> inputs, Map<String, String> varRegion) {
    if (inputs == null) {
      return null;
    }
    for (String in : inputs) {
      if (in.endsWith("-grad")) {
        String r = varRegion.get(in.substring(0, in.length() - 5));
        if (r != null) {
          return r;
        }
      }
    }
    for (String in : inputs) {
      String r = varRegion.get(in);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  static String report(Built b, OpTimer timer, long[] wall, int forwardOps, int gradOps) {
    int steps = wall.length;
    long wallSum = 0;
    for (long w : wall) {
      wallSum += w;
    }
    long fwd = timer.forward().nanos;
    long bwd = timer.backward().nanos;
    long ops = fwd + bwd;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%n### %s%n%n", b.name()));
    s.append(
        String.format(
            Locale.ROOT,
            "OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s; %d timed steps after warm-up.%n%n",
            System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
            System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"),
            steps));
    s.append("| measure | value |\n| --- | ---: |\n");
    s.append(row("step wall ms (mean)", wallSum / 1e6 / steps));
    StringBuilder each = new StringBuilder();
    for (long w : wall) {
      each.append(each.length() == 0 ? "" : ", ").append(Math.round(w / 1e6));
    }
    s.append("| step wall ms, each | ").append(each).append(" |\n");
    s.append(row("op executions per step, forward", (double) timer.forward().count / steps));
    s.append(row("op executions per step, backward", (double) timer.backward().count / steps));
    s.append(row("ops in forward graph / in gradient graph", forwardOps + " / " + gradOps));
    s.append(row("time in ops, share of step", pct(ops, wallSum)));
    s.append(row("  forward ops, share of step", pct(fwd, wallSum)));
    s.append(row("  backward ops, share of step", pct(bwd, wallSum)));
    s.append(row("outside ops, share of step", pct(wallSum - ops, wallSum)));
    s.append(
        row("  between first and last op (session gaps)", pct(timer.spanNanos() - ops, wallSum)));
    s.append(
        row(
            "  before first / after last op (fit setup, updater, AdamW)",
            pct(wallSum - timer.spanNanos(), wallSum)));
    s.append(
        row(
            "mean gap between ops, ms",
            (timer.spanNanos() - ops)
                / 1e6
                / Math.max(1, timer.forward().count + timer.backward().count)));
    s.append("\nTop 20 op types (F forward, B backward):\n\n");
    s.append(table(timer.byType(), steps, wallSum, 20, "op type"));
    s.append("\nBy graph-building region (top 25):\n\n");
    s.append(table(timer.byRegion(), steps, wallSum, 25, "region"));
    s.append("\nBy region and op type (top 30):\n\n");
    s.append(table(timer.byRegionType(), steps, wallSum, 30, "region : op type"));
    return s.toString();
  }

  static String row(String k, Object v) {
    String value =
        v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(v);
    return "| " + k + " | " + value + " |\n";
  }

  static String pct(long part, long whole) {
    return String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
  }

  static String table(Map<String, OpTimer.Acc> m, int steps, long wallSum, int top, String what) {
    StringBuilder s = new StringBuilder();
    s.append("| ").append(what).append(" | calls/step | ms/step | share of step |\n");
    s.append("| --- | ---: | ---: | ---: |\n");
    m.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue().nanos, x.getValue().nanos))
        .limit(top)
        .forEach(
            e ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %.0f | %.1f | %s |%n",
                        e.getKey(),
                        (double) e.getValue().count / steps,
                        e.getValue().nanos / 1e6 / steps,
                        pct(e.getValue().nanos, wallSum))));
    return s.toString();
  }
}
