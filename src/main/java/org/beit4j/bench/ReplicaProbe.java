package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import org.beit4j.Beit4j;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Can two Java threads run two independent SameDiff graphs at full speed in one JVM? Times one
 * graph alone, then K copies on K threads at once (each its own graph, batch and step), and prints
 * the aggregate images/s. Run with OMP_NUM_THREADS=1 for one core per replica.
 *
 * <pre>
 * ReplicaProbe CASE K BATCH_PER_REPLICA STEPS   (CASE as StepProfile: vit | mim-demo | mim-8192)
 * </pre>
 */
public final class ReplicaProbe {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaProbe.class);

  static {
    Beit4j.init();
  }

  private ReplicaProbe() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "vit";
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    LOG.info(
        String.format(
                Locale.ROOT,
                "OMP_NUM_THREADS=%s, nd4j maxThreads=%d maxMasterThreads=%d, case %s, batch/replica %d%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                Nd4j.getEnvironment().maxThreads(),
                Nd4j.getEnvironment().maxMasterThreads(),
                which,
                batch)
            .stripTrailing());
    for (int round = 0; round < 3; round++) {
      double one = run(which, 1, batch, steps);
      double many = run(which, k, batch, steps);
      LOG.info(
          String.format(
                  Locale.ROOT,
                  "round %d: K=1 %.1f img/s; K=%d %.1f img/s aggregate (%.2fx)%n",
                  round,
                  one,
                  k,
                  many,
                  many / one)
              .stripTrailing());
    }
  }

  static long busy(List<long[]> a) {
    long t = 0;
    for (long[] x : a) {
      t += x[1] - x[0];
    }
    return t;
  }

  /** Total time during which an interval of {@code a} and one of {@code b} are both open. */
  static long overlap(List<long[]> a, List<long[]> b) {
    long t = 0;
    int i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
      long lo = Math.max(a.get(i)[0], b.get(j)[0]);
      long hi = Math.min(a.get(i)[1], b.get(j)[1]);
      if (hi > lo) {
        t += hi - lo;
      }
      if (a.get(i)[1] < b.get(j)[1]) {
        i++;
      } else {
        j++;
      }
    }
    return t;
  }

  /** Aggregate images/s of {@code k} replicas running {@code steps} timed steps at once. */
  @SuppressWarnings("unchecked")
  static double run(String which, int k, int batch, int steps) throws Exception {
    CyclicBarrier ready = new CyclicBarrier(k + 1);
    CyclicBarrier done = new CyclicBarrier(k + 1);
    List<Thread> threads = new ArrayList<>();
    long[] perStep = new long[k];
    long[] cpuPerStep = new long[k];
    List<long[]>[] spans = new List[k];
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int r = 0; r < k; r++) {
      int id = r;
      Thread t =
          new Thread(
              () -> {
                try {
                  StepProfile.Built b;
                  synchronized (ReplicaProbe.class) {
                    b = StepProfile.build(which, batch);
                  }
                  b.step().run(); // gradient graph + first-step costs
                  b.step().run();
                  List<long[]> mine = new ArrayList<>();
                  spans[id] = mine;
                  b.sd()
                      .addListeners(
                          new org.nd4j.autodiff.listeners.BaseListener() {
                            long s0;

                            @Override
                            public boolean isActive(org.nd4j.autodiff.listeners.Operation o) {
                              return true;
                            }

                            @Override
                            public void preOpExecution(
                                SameDiff sd,
                                org.nd4j.autodiff.listeners.At at,
                                org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                org.nd4j.linalg.api.ops.OpContext c) {
                              s0 = System.nanoTime();
                            }

                            @Override
                            public void opExecution(
                                SameDiff sd,
                                org.nd4j.autodiff.listeners.At at,
                                org.nd4j.linalg.dataset.api.MultiDataSet batch,
                                org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                org.nd4j.linalg.api.ops.OpContext c,
                                org.nd4j.linalg.api.ndarray.INDArray[] out) {
                              mine.add(new long[] {s0, System.nanoTime()});
                            }
                          });
                  ready.await();
                  long t0 = System.nanoTime();
                  long c0 = mx.getCurrentThreadCpuTime();
                  for (int i = 0; i < steps; i++) {
                    b.step().run();
                  }
                  perStep[id] = (System.nanoTime() - t0) / steps;
                  cpuPerStep[id] = (mx.getCurrentThreadCpuTime() - c0) / steps;
                  done.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "replica-" + r);
      t.start();
      threads.add(t);
    }
    ready.await();
    long t0 = System.nanoTime();
    done.await();
    long wall = System.nanoTime() - t0;
    for (Thread t : threads) {
      t.join();
    }
    if (k == 2) {
      long busy0 = busy(spans[0]), busy1 = busy(spans[1]);
      long both = overlap(spans[0], spans[1]);
      LOG.info(
          String.format(
                  Locale.ROOT,
                  "  op time: replica0 %.0f ms, replica1 %.0f ms; both inside an op at once %.0f ms"
                      + " (independent would give about %.0f ms)%n",
                  busy0 / 1e6,
                  busy1 / 1e6,
                  both / 1e6,
                  (double) busy0 * busy1 / wall / 1e6)
              .stripTrailing());
    }
    StringBuilder s = new StringBuilder();
    for (int r = 0; r < k; r++) {
      s.append(
          String.format(Locale.ROOT, " %.0f (cpu %.0f)", perStep[r] / 1e6, cpuPerStep[r] / 1e6));
    }
    LOG.info(
        String.format(
                Locale.ROOT,
                "  K=%d: ms/step per replica (thread cpu ms/step):%s; wall %.0f ms for %d steps;"
                    + " load %.1f%n",
                k,
                s,
                wall / 1e6,
                steps,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage())
            .stripTrailing());
    return (double) k * batch * steps / (wall / 1e9);
  }
}
