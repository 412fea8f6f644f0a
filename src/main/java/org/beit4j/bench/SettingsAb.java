package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.beit4j.Beit4j;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process A/B of a runtime setting on one step, alternating A B A B on the same graph: ND4J's
 * executioner profiling mode (default SCOPE_PANIC, which checks every op's arrays) against
 * DISABLED.
 *
 * <pre>SettingsAb CASE ROUNDS   (CASE as StepProfile)</pre>
 */
public final class SettingsAb {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsAb.class);

  static {
    Beit4j.init();
  }

  private SettingsAb() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "vit";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    StepProfile.Built b = StepProfile.build(which);
    OpExecutioner.ProfilingMode dflt = Nd4j.getExecutioner().getProfilingMode();
    b.step().run();
    b.step().run();
    List<Double> a = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Nd4j.getExecutioner().setProfilingMode(dflt);
      a.add(time(b.step()));
      Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
      d.add(time(b.step()));
    }
    double ma = OpAb.median(a), md = OpAb.median(d);
    LOG.info(
        String.format(
                Locale.ROOT,
                "%s: profiling mode %s %.0f ms/step, DISABLED %.0f ms/step (B/A %.3f); pairs: %s / %s%n",
                which,
                dflt,
                ma,
                md,
                md / ma,
                a,
                d)
            .stripTrailing());
  }

  static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return Math.round((System.nanoTime() - t0) / 1e5) / 10.0;
  }
}
