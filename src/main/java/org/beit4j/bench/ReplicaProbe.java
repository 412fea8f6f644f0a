package org.beit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import org.beit4j.Beit4j;
import org.nd4j.linalg.factory.Nd4j;

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

  static {
    Beit4j.init();
  }

  private ReplicaProbe() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "vit";
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    System.out.printf(Locale.ROOT,
        "OMP_NUM_THREADS=%s, nd4j maxThreads=%d maxMasterThreads=%d, case %s, batch/replica %d%n",
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(), which,
        batch);
    for (int round = 0; round < 2; round++) {
      double one = run(which, 1, batch, steps);
      double many = run(which, k, batch, steps);
      System.out.printf(Locale.ROOT,
          "round %d: K=1 %.1f img/s; K=%d %.1f img/s aggregate (%.2fx)%n",
          round, one, k, many, many / one);
    }
  }

  /** Aggregate images/s of {@code k} replicas running {@code steps} timed steps at once. */
  static double run(String which, int k, int batch, int steps) throws Exception {
    CyclicBarrier ready = new CyclicBarrier(k + 1);
    CyclicBarrier done = new CyclicBarrier(k + 1);
    List<Thread> threads = new ArrayList<>();
    long[] perStep = new long[k];
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
                  ready.await();
                  long t0 = System.nanoTime();
                  for (int i = 0; i < steps; i++) {
                    b.step().run();
                  }
                  perStep[id] = (System.nanoTime() - t0) / steps;
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
    StringBuilder s = new StringBuilder();
    for (long p : perStep) {
      s.append(String.format(Locale.ROOT, " %.0f", p / 1e6));
    }
    System.out.printf(Locale.ROOT, "  K=%d: ms/step per replica:%s; wall %.0f ms for %d steps%n",
        k, s, wall / 1e6, steps);
    return (double) k * batch * steps / (wall / 1e9);
  }
}
