package org.beit4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.ToDoubleFunction;
import org.beit4j.io.NamedArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * AdamW (Loshchilov and Hutter 2019) as PyTorch computes it, with per-parameter weight decay,
 * per-step learning rate and global-norm gradient clipping, applied to live parameter arrays.
 *
 * <p>Step {@code t} (0-based, {@code lr = schedule(t)}, {@code c = t + 1}):
 *
 * <pre>
 * g &lt;- g * min(1, clip / (||G||_2 + 1e-6))        G = all gradients together (if clip &gt; 0)
 * m &lt;- b1 m + (1 - b1) g;   v &lt;- b2 v + (1 - b2) g^2
 * lr_p = lr * scale(name)                              per-parameter rate (1 unless given)
 * p &lt;- p - lr_p * wd * p                             only if decays(name, shape)
 * p &lt;- p - lr_p / (1 - b1^c) * m / (sqrt(v / (1 - b2^c)) + eps)
 * </pre>
 *
 * <p>The per-parameter scale is how BEiT's layer-wise learning-rate decay enters (a parameter group
 * with {@code lr_scale} in the official code, which scales the decay step too).
 *
 * <p>Why not SameDiff's updater: {@code TrainingConfig.weightDecay} decays every parameter, there
 * is no gradient clipping in M2.1's TrainingConfig, and ND4J's Adam adds {@code eps} to {@code
 * sqrt(v)} before the bias correction and replaces a zero step size by {@code eps}. The schedule is
 * an ND4J {@link ISchedule} queried with the step index.
 */
public final class AdamW {

  private final ISchedule schedule;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double clipNorm;
  private final BiPredicate<String, long[]> decays;
  private final ToDoubleFunction<String> lrScale;
  private final Map<String, INDArray> m = new LinkedHashMap<>();
  private final Map<String, INDArray> v = new LinkedHashMap<>();
  private long step;
  private double lastRate;
  private double lastNorm;

  /**
   * @param decays which parameters get weight decay, by name and shape, e.g. {@link #beitDecay}
   * @param clipNorm global-norm clip, 0 = off
   */
  public AdamW(
      ISchedule schedule,
      double weightDecay,
      double beta1,
      double beta2,
      double epsilon,
      double clipNorm,
      BiPredicate<String, long[]> decays) {
    this(schedule, weightDecay, beta1, beta2, epsilon, clipNorm, decays, name -> 1.0);
  }

  /**
   * As above, with a learning-rate multiplier per parameter name.
   *
   * @param lrScale multiplies the scheduled rate of each parameter, e.g. layer-wise decay; {@code
   *     name -> 1.0} gives plain AdamW, bit for bit
   */
  public AdamW(
      ISchedule schedule,
      double weightDecay,
      double beta1,
      double beta2,
      double epsilon,
      double clipNorm,
      BiPredicate<String, long[]> decays,
      ToDoubleFunction<String> lrScale) {
    this.schedule = schedule;
    this.weightDecay = weightDecay;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.clipNorm = clipNorm;
    this.decays = decays;
    this.lrScale = lrScale;
  }

  /** AdamW with {@code optimizer}'s settings on {@code schedule}'s rates. */
  public static AdamW of(
      Optimizer optimizer, Schedule schedule, BiPredicate<String, long[]> decays) {
    return new AdamW(
        schedule.toWarmupCosine(),
        optimizer.weightDecay(),
        optimizer.beta1(),
        optimizer.beta2(),
        optimizer.epsilon(),
        optimizer.clipNorm(),
        decays);
  }

  /**
   * The official BEiT rule ({@code optim_factory.get_parameter_groups} with the model's {@code
   * no_weight_decay() = {pos_embed, cls_token}}): no decay for 1-D parameters (biases, LayerNorm
   * gains, layer-scale vectors), names ending in {@code /b}, the [CLS] token {@code .../embed/cls}
   * and absolute positions {@code .../embed/pos}. As in the official code, the mask token and the
   * relative-position table (2-D) are decayed.
   */
  public static boolean beitDecay(String name, long[] shape) {
    if (shape.length <= 1 || name.endsWith("/b")) {
      return false;
    }
    return !(name.endsWith("/embed/cls") || name.endsWith("/embed/pos"));
  }

  /**
   * Applies one update to {@code params} in place; {@code grads} are scaled in place by the clip.
   *
   * @return the global gradient norm before clipping
   */
  public double step(Map<String, INDArray> params, Map<String, INDArray> grads) {
    double sq = 0;
    for (String name : params.keySet()) {
      INDArray g = grads.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no gradient for parameter " + name);
      }
      double n = g.norm2Number().doubleValue();
      sq += n * n;
    }
    double norm = Math.sqrt(sq);
    double scale = clipNorm > 0 ? Math.min(1.0, clipNorm / (norm + 1e-6)) : 1.0;
    double lr = schedule.valueAt(Math.toIntExact(step), 0);
    double bc1 = 1 - Math.pow(beta1, step + 1);
    double bc2 = 1 - Math.pow(beta2, step + 1);
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      String name = e.getKey();
      INDArray p = e.getValue();
      INDArray g = grads.get(name);
      double rate = lr * lrScale.applyAsDouble(name);
      if (scale < 1.0) {
        g.muli(scale);
      }
      INDArray mt = m.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
      INDArray vt = v.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
      mt.muli(beta1).addi(g.mul(1 - beta1));
      vt.muli(beta2).addi(g.mul(g).muli(1 - beta2));
      if (weightDecay > 0 && decays.test(name, p.shape())) {
        p.muli(1 - rate * weightDecay);
      }
      INDArray denom = Transforms.sqrt(vt, true).divi(Math.sqrt(bc2)).addi(epsilon);
      p.subi(mt.div(denom).muli(rate / bc1));
    }
    step++;
    lastRate = lr;
    lastNorm = norm;
    return norm;
  }

  /** Updates done so far; the next update uses {@code schedule(step())}. */
  public long step() {
    return step;
  }

  /** The learning rate of the last update. */
  public double lastLearningRate() {
    return lastRate;
  }

  /** The gradient norm (before clipping) of the last update. */
  public double lastGradientNorm() {
    return lastNorm;
  }

  /**
   * The moments and the step count by name ({@code step}, {@code m/<parameter>}, {@code
   * v/<parameter>}): the live arrays, as {@link #save} writes them. Moments appear with a
   * parameter's first update.
   */
  public Map<String, INDArray> state() {
    Map<String, INDArray> all = new LinkedHashMap<>();
    all.put("step", Nd4j.scalar(step));
    m.forEach((k, a) -> all.put("m/" + k, a));
    v.forEach((k, a) -> all.put("v/" + k, a));
    return all;
  }

  /**
   * Replaces this optimiser's state by {@code state} (as {@link #state} names it), e.g. the mean of
   * several workers' states; the arrays are taken, not copied.
   *
   * @throws IllegalArgumentException if there is no {@code step} entry
   */
  public void restore(Map<String, INDArray> state) {
    INDArray s = state.get("step");
    if (s == null) {
      throw new IllegalArgumentException(
          "no optimiser state: no 'step' entry in " + state.keySet());
    }
    m.clear();
    v.clear();
    state.forEach(
        (k, a) -> {
          if (k.startsWith("m/")) {
            m.put(k.substring(2), a);
          } else if (k.startsWith("v/")) {
            v.put(k.substring(2), a);
          }
        });
    step = s.getLong(0);
  }

  /** Saves the moments and the step count. */
  public void save(Path file) throws IOException {
    NamedArrays.write(file, state());
  }

  /** Replaces this optimiser's state by the one in {@code file}. */
  public void load(Path file) throws IOException {
    Map<String, INDArray> all = NamedArrays.read(file);
    if (!all.containsKey("step")) {
      throw new IOException(file + " holds no optimiser state (no 'step' entry)");
    }
    restore(all);
  }
}
