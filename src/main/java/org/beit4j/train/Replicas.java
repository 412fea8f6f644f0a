package org.beit4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data-parallel training in one JVM: {@code K} copies of a training graph, replica {@code r} always
 * driven by its own Java thread, each batch split {@code K} ways, the {@code K} gradients combined
 * into the gradient of the whole batch and applied as ONE {@link AdamW} step (clipping on the
 * combined gradient), then the updated parameters copied to every other replica, so all replicas
 * hold identical parameters after every step.
 *
 * <p>Why: a SameDiff M2.1 training step gains little from a second OMP thread (much of it is
 * single-threaded graph bookkeeping), while two graphs on two Java threads with one OMP thread each
 * run side by side (docs/performance.md, "Replicas"). Run with {@code OMP_NUM_THREADS = cores / K};
 * {@link #defaultCount} picks {@code K} that way.
 *
 * <p>Exactness: each replica returns the gradient of a loss that is a mean over its own shard,
 * together with the size of that mean's normaliser ({@link Pass#weight}: images for a batch mean,
 * masked tokens for the MIM loss). The combined gradient is {@code sum_r w_r g_r / sum_r w_r},
 * which is the gradient of the mean over the whole batch; metrics that are such means combine the
 * same way. The sum runs in replica order, so a run is deterministic for a given {@code K}.
 *
 * <p>Devices: on a backend with several devices (CUDA), replica {@code r}'s thread binds itself to
 * device {@code r mod devices} ({@code AffinityManager.unsafeSetDevice}, as DL4J's {@code
 * ParallelWrapper} does in its trainer threads) before it builds its graph, so its arrays live
 * there. Only the CPU backend was run here.
 *
 * @param <M> a replica's graph (e.g. {@code PretrainModel})
 */
public final class Replicas<M> implements AutoCloseable {

  /** What one replica computed on its shard. */
  public record Pass(Map<String, INDArray> gradients, Map<String, Double> metrics, double weight) {
    public Pass {
      if (!(weight >= 0)) {
        throw new IllegalArgumentException("weight must be >= 0 but was " + weight);
      }
    }
  }

  /** Access to a replica's live parameter arrays, by name, in the same order for every replica. */
  @FunctionalInterface
  public interface Parameters<M> {
    Map<String, INDArray> of(M model);
  }

  private static volatile int defaultCount;

  private final List<M> models;
  private final List<ThreadPoolExecutor> threads;
  private final Parameters<M> parameters;

  private Replicas(List<M> models, List<ThreadPoolExecutor> threads, Parameters<M> parameters) {
    this.models = models;
    this.threads = threads;
    this.parameters = parameters;
  }

  /**
   * Builds {@code k} replicas, each on its own thread (one after the other: graph building is not
   * known to be thread-safe), then copies replica 0's parameters into the others. With {@code k =
   * 1} the only replica is built and run on the calling thread.
   *
   * @param build builds replica {@code r}'s graph; called on that replica's thread
   * @throws IllegalArgumentException if {@code k < 1} or the replicas' parameters differ in names
   *     or shapes
   */
  public static <M> Replicas<M> create(int k, IntFunction<M> build, Parameters<M> parameters) {
    if (k < 1) {
      throw new IllegalArgumentException("replicas must be >= 1 but was " + k);
    }
    List<ThreadPoolExecutor> threads = new ArrayList<>();
    List<M> models = new ArrayList<>();
    if (k == 1) {
      models.add(build.apply(0));
    } else {
      for (int r = 0; r < k; r++) {
        ThreadPoolExecutor t = thread(r);
        threads.add(t);
        int id = r;
        models.add(await(t.submit(() -> build.apply(id))));
      }
    }
    Replicas<M> replicas = new Replicas<>(List.copyOf(models), threads, parameters);
    replicas.broadcast();
    return replicas;
  }

  /**
   * The default {@code K}: the one set by {@link #setDefaultCount} (the CLI's {@code --replicas}),
   * else {@code cores / OMP threads} (at least 1), i.e. one replica per share of the cores the
   * native ops were given. On the 2-core development host with {@code OMP_NUM_THREADS=1} this is 2,
   * which measured fastest (docs/performance.md, "Replicas").
   */
  public static int defaultCount() {
    int set = defaultCount;
    if (set > 0) {
      return set;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int omp = Math.max(1, Nd4j.getEnvironment().maxThreads());
    return Math.max(1, cores / omp);
  }

  /**
   * Sets the {@code K} of every run whose config says 0 (auto) from now on in this JVM; 0 goes back
   * to the host's default. A host setting like the OMP thread count, not part of any result.
   *
   * @throws IllegalArgumentException if {@code k < 0}
   */
  public static void setDefaultCount(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("replicas must be >= 0 (0 = auto) but was " + k);
    }
    defaultCount = k;
  }

  /** {@code requested} if positive, else {@link #defaultCount}. */
  public static int resolve(int requested) {
    return requested > 0 ? requested : defaultCount();
  }

  /** A single thread for replica {@code r}, attached to a device when there are several. */
  private static ThreadPoolExecutor thread(int r) {
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    ThreadPoolExecutor t =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Runnable placed =
                  devices > 1
                      ? () -> {
                        // what DL4J's ParallelWrapper does in each trainer thread
                        Nd4j.getAffinityManager().unsafeSetDevice(r % devices);
                        task.run();
                      }
                      : task;
              Thread th = new Thread(placed, "beit4j-replica-" + r);
              th.setDaemon(true);
              return th;
            });
    // an idle replica's thread ends after 30 s (a new one, attached the same way, takes over), so
    // a trainer nobody closes leaves no thread behind
    t.allowCoreThreadTimeOut(true);
    return t;
  }

  /** {@code K}. */
  public int size() {
    return models.size();
  }

  /** Replica 0: the one the optimiser updates and checkpoints read. */
  public M primary() {
    return models.get(0);
  }

  /** Every replica, in order. */
  public List<M> all() {
    return models;
  }

  /**
   * Runs {@code work} on replica {@code r} with {@code shards.get(r)}, all at once, each on its
   * replica's thread; returns the results in replica order. Fewer shards than replicas leave the
   * last replicas idle. An interrupt of the calling thread while waiting lets the running work
   * finish and is kept (the interrupt flag is set again on return).
   *
   * @throws IllegalArgumentException if there are more shards than replicas
   */
  public <S, R> List<R> map(List<S> shards, Work<M, S, R> work) {
    if (shards.size() > models.size()) {
      throw new IllegalArgumentException(
          shards.size() + " shards for " + models.size() + " replicas");
    }
    if (threads.isEmpty()) {
      return shards.isEmpty() ? List.of() : List.of(work.apply(models.get(0), shards.get(0)));
    }
    List<Future<R>> futures = new ArrayList<>();
    for (int r = 0; r < shards.size(); r++) {
      M model = models.get(r);
      S shard = shards.get(r);
      futures.add(threads.get(r).submit(() -> work.apply(model, shard)));
    }
    List<R> out = new ArrayList<>();
    for (Future<R> f : futures) {
      out.add(await(f));
    }
    return out;
  }

  /** Work a replica does on its shard. */
  @FunctionalInterface
  public interface Work<M, S, R> {
    R apply(M model, S shard);
  }

  /**
   * Runs {@code pass} on every shard and combines the results ({@link #combine}).
   *
   * @throws IllegalArgumentException if every shard has weight 0
   */
  public <S> Pass compute(List<S> shards, Work<M, S, Pass> pass) {
    return combine(map(shards, pass));
  }

  /**
   * One optimiser step on a batch already split into shards: the combined gradient is applied to
   * replica 0 by {@code optimizer} (which clips it), then copied to the others.
   *
   * @return the combined pass (its gradients as the optimiser left them, i.e. clipped)
   */
  public <S> Pass step(AdamW optimizer, List<S> shards, Work<M, S, Pass> pass) {
    return apply(optimizer, compute(shards, pass));
  }

  /**
   * Applies a combined pass ({@link #combine}) as one step of {@code optimizer} to replica 0, then
   * copies the parameters to the others; for callers that need more of each replica's results than
   * a {@link Pass} holds.
   *
   * @return {@code combined}, its gradients as the optimiser left them (clipped)
   */
  public Pass apply(AdamW optimizer, Pass combined) {
    optimizer.step(parameters.of(primary()), combined.gradients());
    broadcast();
    return combined;
  }

  /** Copies replica 0's parameters into every other replica. */
  public void broadcast() {
    if (models.size() == 1) {
      return;
    }
    Map<String, INDArray> source = parameters.of(primary());
    for (int r = 1; r < models.size(); r++) {
      Map<String, INDArray> target = parameters.of(models.get(r));
      if (!target.keySet().equals(source.keySet())) {
        throw new IllegalArgumentException(
            "replica " + r + " has parameters " + target.keySet() + " but replica 0 " + source);
      }
      for (Map.Entry<String, INDArray> e : source.entrySet()) {
        INDArray t = target.get(e.getKey());
        if (!Arrays.equals(t.shape(), e.getValue().shape())) {
          throw new IllegalArgumentException(
              "replica " + r + " parameter " + e.getKey() + " differs in shape from replica 0");
        }
        t.assign(e.getValue());
      }
    }
  }

  /**
   * The weighted mean of the passes: {@code g = sum_r w_r g_r / sum_r w_r} per gradient, the same
   * for every metric, weight {@code sum_r w_r}. Passes of weight 0 (e.g. a shard without a masked
   * token, whose mean is 0/0) are left out. A single pass is returned as it is.
   *
   * @throws IllegalArgumentException if all weights are 0 or the passes differ in their names
   */
  public static Pass combine(List<Pass> passes) {
    List<Pass> used = passes.stream().filter(p -> p.weight() > 0).toList();
    if (used.isEmpty()) {
      throw new IllegalArgumentException("all " + passes.size() + " passes have weight 0");
    }
    if (used.size() == 1) {
      return used.get(0);
    }
    double total = used.stream().mapToDouble(Pass::weight).sum();
    Pass first = used.get(0);
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : first.gradients().entrySet()) {
      INDArray sum = e.getValue().mul(first.weight() / total);
      for (Pass p : used.subList(1, used.size())) {
        INDArray g = p.gradients().get(e.getKey());
        if (g == null) {
          throw new IllegalArgumentException("a replica gave no gradient for " + e.getKey());
        }
        sum.addi(g.mul(p.weight() / total));
      }
      grads.put(e.getKey(), sum);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String name : first.metrics().keySet()) {
      double v = 0;
      for (Pass p : used) {
        Double x = p.metrics().get(name);
        if (x == null) {
          throw new IllegalArgumentException("a replica gave no metric " + name);
        }
        v += x * p.weight() / total;
      }
      metrics.put(name, v);
    }
    return new Pass(grads, metrics, total);
  }

  /**
   * Row ranges of a batch of {@code n} split {@code k} ways as evenly as possible (the first {@code
   * n mod k} shards one row longer), no empty shard: {@code min(n, k)} ranges {@code [from, to)}.
   */
  public static List<int[]> ranges(int n, int k) {
    int parts = Math.max(1, Math.min(n, k));
    List<int[]> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int len = n / parts + (i < n % parts ? 1 : 0);
      out.add(new int[] {from, from + len});
      from += len;
    }
    return out;
  }

  /** The rows {@code [from, to)} of {@code x} along dimension 0, as a copy. */
  public static INDArray rows(INDArray x, int[] range) {
    INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
    idx[0] = NDArrayIndex.interval(range[0], range[1]);
    for (int d = 1; d < idx.length; d++) {
      idx[d] = NDArrayIndex.all();
    }
    return x.get(idx).dup();
  }

  /** Splits each row-aligned array of a batch the same way: one list per shard. */
  public static <B> List<B> split(int n, int k, Function<int[], B> shard) {
    return ranges(n, k).stream().map(shard).toList();
  }

  /** Stops the replicas' threads; {@link #map} refuses work afterwards. */
  @Override
  public void close() {
    threads.forEach(ThreadPoolExecutor::shutdown);
  }

  private static <T> T await(Future<T> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("a replica failed", c);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
